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

/**
 * What PyJWT's `jwt.encode(claims, secret, algorithm="HS256")` does, in the standard library only:
 * the header with sorted keys, compact separators, ensure_ascii (so "ë" becomes \u00eb), the HMAC
 * keyed with the secret's UTF-8 bytes, base64url without padding.
 */
const PYJWT_ENCODE = `
import base64, hashlib, hmac, json, sys
data = json.load(sys.stdin)
def b64(raw):
    return base64.urlsafe_b64encode(raw).replace(b"=", b"")
header = json.dumps({"typ": "JWT", "alg": "HS256"}, separators=(",", ":"), sort_keys=True)
payload = json.dumps(data["claims"], separators=(",", ":"))
signing_input = b64(header.encode("utf-8")) + b"." + b64(payload.encode("utf-8"))
signature = hmac.new(data["secret"].encode("utf-8"), signing_input, hashlib.sha256).digest()
sys.stdout.write((signing_input + b"." + b64(signature)).decode("ascii"))
`;

function pyjwtEncode(claims: object, secret: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('python3', ['-c', PYJWT_ENCODE], (error, stdout, stderr) => {
      if (error) reject(new Error(`python3 failed: ${stderr || error.message}`));
      else resolve(stdout);
    });
    child.stdin?.end(JSON.stringify({ claims, secret }));
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

    it('PyJWT-style: sorted header, \\u-escaped non-ASCII name, no padding', async () => {
      const iat = nowS();
      const claims = { sub: 'user-7', name: NAME, email: 'zoe@example.com', iat, exp: iat + 600 };
      const token = await pyjwtEncode(claims, secret);
      const [header = '', payload = ''] = token.split('.');
      assert.equal(Buffer.from(header, 'base64url').toString(), '{"alg":"HS256","typ":"JWT"}');
      const payloadText = Buffer.from(payload, 'base64url').toString();
      assert.ok(payloadText.includes('"Zo\\u00eb \\u674e"'), payloadText);
      assert.ok(!token.includes('='));

      const res = await verify(bot, token);
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json().claims, { sub: 'user-7', name: NAME, email: 'zoe@example.com' });
      assert.equal(res.json().expiresAt, iat + 600);
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
      // SPEC §3: a bot's own secret always takes precedence over WIDGET_JWT_HMAC_SECRET.
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
    assert.ok(guide.includes('algorithm="HS256"'));
  });

  it('has one row for every failure reason and detail code, with its reason', () => {
    for (const [detail, { reason }] of Object.entries(VERIFY_DETAILS)) {
      assert.ok(guide.includes(`| \`${reason}\` | \`${detail}\` |`), `row for ${reason}/${detail}`);
    }
    for (const reason of Object.keys(VERIFY_REASONS)) {
      assert.ok(guide.includes(`\`${reason}\``), reason);
    }
  });
});
