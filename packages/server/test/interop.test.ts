import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import { VERIFY_DETAILS, VERIFY_REASONS } from '../src/identity/verify-reasons.js';
import { DIALECTS } from './support/databases.js';
import { runHilal } from './support/run-hilal.js';
import { type SeededBot, seedBot, startTestApp, type TestApp } from './support/test-app.js';

// The customer guide (README.md, "Identify signed-in users") shows these exact calls; if this file changes, the
// guide changes with it.

const ENV_SECRET = 'single-tenant-fallback-secret-from-the-environment';
const NAME = 'Zoë 李';

/** Debian's Python, which has PyJWT (`python3-jwt`, installed by .ci/run); not whatever is on PATH. */
const PYTHON = '/usr/bin/python3';
const README = new URL('../../../../README.md', import.meta.url);

/**
 * The guide's PyJWT example, exactly as README.md shows it: the first `python` block under
 * "Identify signed-in users" → "Python (PyJWT)". The test runs this text, so the guide and
 * the test cannot drift apart.
 */
function readmePythonExample(): string {
  const guide = fs.readFileSync(README, 'utf8');
  const section = guide.indexOf('\n## Identify signed-in users\n');
  const heading = guide.indexOf('\n#### Python ([PyJWT]', section);
  assert.ok(section !== -1 && heading > section, "README.md has the guide's PyJWT heading");
  const rest = guide.slice(heading + 1);
  const nextHeading = rest.search(/\n#{2,4} /);
  const under = nextHeading === -1 ? rest : rest.slice(0, nextHeading);
  const block = /\n```python\n([\s\S]*?)\n```\n/.exec(under);
  assert.ok(block?.[1], 'a ```python block under the PyJWT heading');
  return block[1];
}

/**
 * Runs the README's example with real PyJWT. The example reads the secret from
 * HILAL_WIDGET_SECRET and signs for `user`, "the signed-in user of your site": the lines before
 * it define that user and pin `time.time()`, so the token's exp is known; the line after prints
 * the token.
 */
function runReadmePythonExample(
  user: { id: number; name: string; email: string },
  secret: string,
  nowS: number,
): Promise<string> {
  const program = [
    'import json, os, time, types',
    `time.time = lambda: ${nowS}`,
    'user = types.SimpleNamespace(**json.loads(os.environ["TEST_USER"]))',
    readmePythonExample(),
    'import sys',
    'sys.stdout.write(token)',
  ].join('\n');
  return new Promise((resolve, reject) => {
    execFile(
      PYTHON,
      ['-c', program],
      { env: { HILAL_WIDGET_SECRET: secret, TEST_USER: JSON.stringify(user), PYTHONUTF8: '1' } },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${PYTHON} failed (is python3-jwt installed?): ${stderr}`));
        else resolve(stdout);
      },
    );
  });
}

const nowS = () => Math.floor(Date.now() / 1000);

for (const dialect of DIALECTS) {
  describe(`interoperability: tokens from other signers verify (${dialect})`, () => {
    let t: TestApp;
    let bot: SeededBot;
    let fallbackBot: SeededBot;
    let secret = '';

    before(async () => {
      t = await startTestApp(dialect, { WIDGET_JWT_HMAC_SECRET: ENV_SECRET });
      bot = await seedBot(t.services);
      fallbackBot = await seedBot(t.services, false);
      secret = bot.secret ?? '';
    });
    after(() => t.close());

    const verify = (target: SeededBot, token: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/widget/verify-jwt',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ orgId: target.orgId, botId: target.botId, token }),
      });

    it('jsonwebtoken, exactly as in the guide’s Node example', async () => {
      const user = { id: 'user-42', name: 'Ada Lovelace', email: 'ada@example.com' };
      const token = jwt.sign({ sub: user.id, name: user.name, email: user.email }, secret, {
        algorithm: 'HS256',
        expiresIn: '10m',
      });
      const res = await verify(bot, token);
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      assert.equal(body.verified, true);
      assert.deepEqual(body.claims, {
        sub: 'user-42',
        name: 'Ada Lovelace',
        email: 'ada@example.com',
      });
      const decoded = jwt.decode(token, { json: true });
      assert.equal(body.expiresAt, decoded?.exp);
      assert.equal(Number(decoded?.exp) - Number(decoded?.iat), 600);
      assert.match(body.session, /^hws_/);
    });

    it('PyJWT, running the guide’s Python example: sorted header, \\u-escaped name, no padding', async () => {
      const signedAtS = nowS();
      const user = { id: 7, name: NAME, email: 'zoe@example.com' };
      const token = await runReadmePythonExample(user, secret, signedAtS);
      const [header = '', payload = ''] = token.split('.');
      assert.equal(Buffer.from(header, 'base64url').toString(), '{"alg":"HS256","typ":"JWT"}');
      const payloadText = Buffer.from(payload, 'base64url').toString();
      assert.ok(payloadText.includes('"Zo\\u00eb \\u674e"'), payloadText);
      assert.ok(payloadText.includes('"sub":"7"'), payloadText);
      assert.ok(!token.includes('='));

      const res = await verify(bot, token);
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json().claims, { sub: '7', name: NAME, email: 'zoe@example.com' });
      assert.equal(res.json().expiresAt, signedAtS + 600);
      // The same example with another key is refused: the secret really went into the signature.
      const wrongKey = await runReadmePythonExample(user, ENV_SECRET, signedAtS);
      assert.equal((await verify(bot, wrongKey)).json().reason, 'invalid_signature');
    });

    it('a token printed by `hilal token`', async () => {
      const run = await runHilal(
        ['token', '--sub', 'user-9', '--name', NAME, '--email', 'z@example.com', '--ttl', '120'],
        t.env.env({ HILAL_SECRET: secret }),
      );
      assert.equal(run.code, 0, run.stderr);
      const res = await verify(bot, run.stdout.trim());
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json().claims, { sub: 'user-9', name: NAME, email: 'z@example.com' });
    });

    it('the environment fallback verifies bots without a secret of their own, and only those', async () => {
      const claims = { sub: 'user-1', name: 'Ada' };
      const options = { algorithm: 'HS256', expiresIn: '10m' } as const;
      const res = await verify(fallbackBot, jwt.sign(claims, ENV_SECRET, options));
      assert.equal(res.statusCode, 200, res.body);
      // docs/contract.md §3: a bot's own secret always takes precedence over WIDGET_JWT_HMAC_SECRET.
      const refused = await verify(bot, jwt.sign(claims, ENV_SECRET, options));
      assert.equal(refused.statusCode, 401);
      assert.deepEqual(refused.json(), {
        verified: false,
        reason: 'invalid_signature',
        detail: 'signature_mismatch',
      });
    });

    it('a secret misused as decoded bytes (hex or base64) fails with invalid_signature', async () => {
      const claims = { sub: 'user-1' };
      const options = { algorithm: 'HS256', expiresIn: '10m' } as const;
      for (const key of [Buffer.from(secret, 'hex'), Buffer.from(secret, 'base64')]) {
        const res = await verify(bot, jwt.sign(claims, key, options));
        assert.equal(res.statusCode, 401);
        assert.equal(res.json().reason, 'invalid_signature');
      }
    });
  });
}

describe('the customer guide, in README.md', () => {
  const guide = fs.readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');

  it('shows the exact jsonwebtoken call tested above', () => {
    assert.ok(
      guide.includes(
        "jwt.sign({ sub: user.id, name: user.name, email: user.email }, process.env.HILAL_WIDGET_SECRET, { algorithm: 'HS256', expiresIn: '10m' })",
      ),
    );
  });

  it('has one row for every failure reason and detail code, with its reason', () => {
    for (const [detail, { reason }] of Object.entries(VERIFY_DETAILS)) {
      assert.ok(guide.includes(`| \`${reason}\` | \`${detail}\` |`), `row for ${reason}/${detail}`);
    }
    for (const reason of Object.keys(VERIFY_REASONS)) {
      assert.ok(guide.includes(`\`${reason}\``), reason);
    }
  });

  it('gives every detail code the fix of VERIFY_DETAILS, word for word (the README is the source)', () => {
    for (const [detail, { reason, fix }] of Object.entries(VERIFY_DETAILS)) {
      const row = guide
        .split('\n')
        .find((line) => line.startsWith(`| \`${reason}\` | \`${detail}\` |`));
      // | reason | detail | meaning | fix |: the fix is the last cell.
      const cells = row?.slice(1, -1).split(' | ');
      assert.equal(cells?.length, 4, `row for ${reason}/${detail}`);
      assert.equal(cells?.[3]?.trim(), fix, `fix for ${detail}`);
    }
  });
});
