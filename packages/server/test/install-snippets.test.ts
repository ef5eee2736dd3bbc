// The "Install" tab's code (packages/contract/src/install-snippets.ts, docs/contract.md §7
// Chatbots) is the code that was tested: the signing examples run, as the dashboard shows them,
// with a real secret, and the tokens they make verify through POST /api/widget/verify-jwt for the
// ids the snippets carry. Node.js (jsonwebtoken) and Python (PyJWT, Debian's python3-jwt) run
// everywhere the suite runs; PHP, Ruby and Go run only where their binary and JWT library are
// installed, and are skipped otherwise (they are not in this repository's CI image).
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
function run(file: string, args: string[], secret: string, cwd = REPOSITORY): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { cwd, env: { ...process.env, HILAL_WIDGET_SECRET: secret }, timeout: 60_000 },
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

const PHP_AUTOLOAD = process.env.HILAL_TEST_PHP_AUTOLOAD ?? '';
const HAS_PHP =
  PHP_AUTOLOAD !== '' &&
  works('php', [
    '-r',
    `require '${PHP_AUTOLOAD}'; exit(class_exists('Firebase\\\\JWT\\\\JWT') ? 0 : 1);`,
  ]);
const HAS_RUBY = works('ruby', ['-e', "require 'jwt'"]);
const HAS_GO = works('go', ['version']);

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

  it('PHP: the firebase/php-jwt example makes a token that verifies (skipped without php and HILAL_TEST_PHP_AUTOLOAD)', {
    skip: HAS_PHP ? false : 'no php with firebase/php-jwt here',
  }, async () => {
    const program = [
      `require '${PHP_AUTOLOAD}';`,
      example('php').code.replace(/^use [^\n]*\n/, ''),
      'echo $token;',
    ]
      .join('\n')
      .replace('$token = JWT::', '$token = Firebase\\JWT\\JWT::');
    const withUser = `$user = (object) json_decode('${JSON.stringify(USER)}', true);\n${program}`;
    await assertVerifies(await run('php', ['-r', withUser], secret));
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

  it('Go: the golang-jwt example makes a token that verifies (skipped without go; fetches golang-jwt)', {
    skip: HAS_GO ? false : 'no go here',
  }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hilal-go-'));
    try {
      fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/hilal\n\ngo 1.21\n');
      const code = example('go').code.replace('import (', 'import (\n\t"fmt"');
      const main = `func main() {\n\ttoken, err := hilalToken(${JSON.stringify(USER.id)}, ${JSON.stringify(USER.name)}, ${JSON.stringify(USER.email)})\n\tif err != nil {\n\t\tpanic(err)\n\t}\n\tfmt.Print(token)\n}\n`;
      fs.writeFileSync(path.join(dir, 'main.go'), `package main\n\n${code}\n\n${main}`);
      await run('go', ['mod', 'tidy'], secret, dir);
      await assertVerifies(await run('go', ['run', '.'], secret, dir));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
