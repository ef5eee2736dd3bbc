// The "Install" tab's code (packages/contract/src/install-snippets.ts, docs/contract.md §7
// Chatbots) is the code that was tested: the signing examples run, as the dashboard shows them,
// with a real secret, and the tokens they make verify through POST /api/widget/verify-jwt for the
// ids the snippets carry. Node.js (jsonwebtoken) and Python (PyJWT, Debian's python3-jwt) run
// everywhere the suite runs. Ruby (Debian's ruby-jwt), Go (Debian's golang-jwt v4, offline) and PHP
// (Debian's php) need tools that .ci/run installs: in CI they fail without them, on a laptop
// without them they skip. Debian does not package firebase/php-jwt, so the PHP example runs against
// a stand-in for the one call it makes unless HILAL_TEST_PHP_AUTOLOAD names the real library.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  type InstallTarget,
  initSnippet,
  type SigningExample,
  type SigningLanguage,
  scriptTagSnippet,
  signingExamples,
} from '@hilal/contract/install-snippets';
import { IN_CI } from './browser/harness.js';
import { type SeededBot, seedBot, startTestApp, type TestApp } from './support/test-app.js';

const REPOSITORY = fileURLToPath(new URL('../../../../', import.meta.url));
const PYTHON = '/usr/bin/python3';
const USER = { id: 'user-42', name: 'Zoë 李', email: 'zoe@example.com' };

function example(language: SigningLanguage): SigningExample {
  const found = signingExamples().find((candidate) => candidate.language === language);
  assert.ok(found, language);
  return found;
}

/** Runs `file` with `args` and the secret in HILAL_WIDGET_SECRET; resolves with its stdout. */
function run(
  file: string,
  args: string[],
  secret: string,
  cwd = REPOSITORY,
  env: Record<string, string> = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { cwd, env: { ...process.env, ...env, HILAL_WIDGET_SECRET: secret }, timeout: 120_000 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${file} failed: ${stderr || error.message}`)) : resolve(stdout),
    );
  });
}

/** Whether `command` exists and, run with `args`, succeeds (a library probe). */
function works(command: string, args: string[], cwd?: string): boolean {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  if (found.status !== 0) return false;
  return spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 60_000 }).status === 0;
}

/** A real firebase/php-jwt autoloader (vendor/autoload.php), if the developer has one. */
const PHP_AUTOLOAD = process.env.HILAL_TEST_PHP_AUTOLOAD ?? '';
const HAS_PHP = works('php', ['-v']);
/**
 * A STAND-IN for firebase/php-jwt, which Debian does not package: only the one call the example
 * makes, `JWT::encode(array $payload, string $key, string $alg)`, for HS256 only, built as the
 * library documents it (header {"typ":"JWT","alg":"HS256"}, JSON segments in base64url without
 * padding, HMAC-SHA256 over "header.payload"). With it the test still checks that the shown PHP
 * parses and runs, and that its claims and key are right; the library itself is tested only when
 * HILAL_TEST_PHP_AUTOLOAD is set.
 */
const PHP_JWT_STAND_IN = `<?php
namespace Firebase\\JWT;

final class JWT
{
    public static function encode(array $payload, string $key, string $alg): string
    {
        if ($alg !== 'HS256') {
            throw new \\DomainException('the stand-in signs HS256 only');
        }
        if ($key === '') {
            throw new \\InvalidArgumentException('empty key');
        }
        $segments = [
            self::base64url(json_encode(['typ' => 'JWT', 'alg' => $alg], JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR)),
            self::base64url(json_encode($payload, JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR)),
        ];
        $segments[] = self::base64url(hash_hmac('sha256', implode('.', $segments), $key, true));
        return implode('.', $segments);
    }

    private static function base64url(string $bytes): string
    {
        return rtrim(strtr(base64_encode($bytes), '+/', '-_'), '=');
    }
}
`;
const HAS_RUBY = works('ruby', ['-e', "require 'jwt'"]);
/** Debian's golang-github-golang-jwt-jwt-dev: golang-jwt v4's source, used offline. */
const GO_JWT_SOURCE = '/usr/share/gocode/src/github.com/golang-jwt/jwt';
const HAS_GO = works('go', ['version']) && fs.existsSync(path.join(GO_JWT_SOURCE, 'go.mod'));
/** Go's build cache and module directory, kept between runs (as root in CI, $HOME may not fit). */
const GO_CACHE = path.join(os.tmpdir(), 'hilal-test-go');

describe('the Install tab’s snippets (docs/contract.md §7), run and verified', () => {
  let t: TestApp;
  let bot: SeededBot;
  let secret: string;
  let target: InstallTarget;
  before(async () => {
    t = await startTestApp('sqlite');
    bot = await seedBot(t.services);
    assert.ok(bot.secret);
    secret = bot.secret;
    target = {
      serverUrl: 'https://hilal.example.com/',
      organizationId: bot.orgId,
      botId: bot.botId,
    };
  });
  after(() => t.close());

  /** The ids the init snippet carries, read back from its text. */
  function idsFromInit(): { orgId: string; botId: string } {
    const snippet = initSnippet(target);
    const orgId = /organizationId: '([^']+)'/.exec(snippet)?.[1];
    const botId = /botId: '([^']+)'/.exec(snippet)?.[1];
    assert.ok(orgId && botId, 'the init call names both ids');
    return { orgId, botId };
  }

  async function assertVerifies(token: string) {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/widget/verify-jwt',
      payload: { ...idsFromInit(), token: token.trim() },
    });
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json();
    assert.equal(body.verified, true);
    assert.deepEqual(body.claims, { sub: USER.id, name: USER.name, email: USER.email });
    const lifetime = body.expiresAt - Math.floor(Date.now() / 1000);
    assert.ok(lifetime > 500 && lifetime <= 600, `about ten minutes, not ${lifetime} s`);
  }

  it('fills the script tag and the init call with the chatbot’s ids and server', () => {
    assert.equal(
      scriptTagSnippet(target),
      `<script src="https://hilal.example.com/chat_v3.js" data-org-id="${bot.orgId}" data-bot-id="${bot.botId}"></script>`,
    );
    const init = initSnippet(target);
    assert.ok(init.startsWith('<script>window.HilalChat=window.HilalChat||function(q,s)'));
    assert.match(init, /<script async src="https:\/\/hilal\.example\.com\/chat_v3\.js"><\/script>/);
    assert.deepEqual(idsFromInit(), { orgId: bot.orgId, botId: bot.botId });
    // The stub is the README's, character for character.
    const readme = fs.readFileSync(path.join(REPOSITORY, 'README.md'), 'utf8');
    assert.ok(readme.includes(init.split('\n')[0] ?? '∅'), 'the README shows the same stub');
  });

  it('offers five languages, each naming its library', () => {
    assert.deepEqual(
      signingExamples().map((e) => `${e.label}: ${e.library}`),
      [
        'Node.js: jsonwebtoken',
        'Python: PyJWT',
        'PHP: firebase/php-jwt',
        'Ruby: ruby-jwt',
        'Go: golang-jwt',
      ],
    );
    for (const e of signingExamples()) {
      assert.match(e.code, /HILAL_WIDGET_SECRET/, e.label);
      assert.match(e.code, /HS256/, e.label);
    }
  });

  it('Node.js: the jsonwebtoken example makes a token that verifies', async () => {
    const program = [
      `const user = ${JSON.stringify(USER)};`,
      example('node').code,
      'process.stdout.write(token);',
    ].join('\n');
    // `-e` resolves require() from the working directory: the repository's node_modules.
    await assertVerifies(await run(process.execPath, ['-e', program], secret));
  });

  it('Python: the PyJWT example makes a token that verifies', async () => {
    const program = [
      'import types',
      `user = types.SimpleNamespace(**${JSON.stringify(USER)})`,
      example('python').code,
      'import sys',
      'sys.stdout.write(token)',
    ].join('\n');
    await assertVerifies(await run(PYTHON, ['-c', program], secret));
  });

  // .ci/run installs Debian's php-cli, so in CI this one runs (and fails if it cannot).
  it(`PHP: the firebase/php-jwt example makes a token that verifies (${PHP_AUTOLOAD ? `firebase/php-jwt from HILAL_TEST_PHP_AUTOLOAD` : 'a stand-in for JWT::encode, not the library: set HILAL_TEST_PHP_AUTOLOAD for the real one'}; skipped on a laptop without php)`, {
    skip: HAS_PHP || IN_CI ? false : 'no php here',
  }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hilal-php-'));
    try {
      let library = PHP_AUTOLOAD;
      if (!library) {
        library = path.join(dir, 'jwt-stand-in.php');
        fs.writeFileSync(library, PHP_JWT_STAND_IN);
      }
      // The example as shown, `use` line included, after the library and the user it signs for.
      const program = [
        `require '${library}';`,
        `$user = (object) json_decode('${JSON.stringify(USER)}', true);`,
        example('php').code,
        'echo $token;',
      ].join('\n');
      await assertVerifies(await run('php', ['-r', program], secret));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  // .ci/run installs Debian's ruby-jwt, so in CI this one runs (and fails if it cannot).
  it('Ruby: the ruby-jwt example makes a token that verifies (skipped on a laptop without ruby-jwt)', {
    skip: HAS_RUBY || IN_CI ? false : 'no ruby with the jwt gem here',
  }, async () => {
    const program = [
      "require 'json'",
      "require 'ostruct'",
      `user = OpenStruct.new(JSON.parse('${JSON.stringify(USER)}'))`,
      example('ruby').code,
      'print token',
    ].join('\n');
    await assertVerifies(await run('ruby', ['-e', program], secret));
  });

  // .ci/run installs Debian's golang-go and golang-jwt v4, so in CI this one runs, offline.
  it('Go: the golang-jwt example makes a token that verifies (Debian’s golang-jwt v4, offline; skipped on a laptop without them)', {
    skip: HAS_GO || IN_CI ? false : `no go with ${GO_JWT_SOURCE} here`,
  }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hilal-go-'));
    try {
      // The import path the example shows, resolved to Debian's source: nothing is downloaded.
      fs.writeFileSync(
        path.join(dir, 'go.mod'),
        [
          'module example.com/hilal',
          '',
          'go 1.19',
          '',
          'require github.com/golang-jwt/jwt/v4 v4.4.3',
          '',
          `replace github.com/golang-jwt/jwt/v4 => ${GO_JWT_SOURCE}`,
          '',
        ].join('\n'),
      );
      const code = example('go').code.replace('import (', 'import (\n\t"fmt"');
      const main = `func main() {\n\ttoken, err := hilalToken(${JSON.stringify(USER.id)}, ${JSON.stringify(USER.name)}, ${JSON.stringify(USER.email)})\n\tif err != nil {\n\t\tpanic(err)\n\t}\n\tfmt.Print(token)\n}\n`;
      fs.writeFileSync(path.join(dir, 'main.go'), `package main\n\n${code}\n\n${main}`);
      const env = {
        GOPROXY: 'off',
        GOFLAGS: '-mod=mod',
        GOSUMDB: 'off',
        GOTOOLCHAIN: 'local',
        GOWORK: 'off',
        GOCACHE: path.join(GO_CACHE, 'cache'),
        GOPATH: path.join(GO_CACHE, 'path'),
      };
      await assertVerifies(await run('go', ['run', '.'], secret, dir, env));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
