import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createOrganization } from '../src/accounts/organizations-repository.js';
import { createChatbot } from '../src/bots/chatbots-repository.js';
import { DIALECTS } from './support/databases.js';
import { type SeededBot, seedBot, startTestApp, type TestApp } from './support/test-app.js';
import { b64url, signHs256 } from './support/tokens.js';

const ENV_SECRET = 'env-fallback-secret-of-the-single-tenant-install';

for (const dialect of DIALECTS) {
  describe(`POST /api/widget/verify-jwt (${dialect})`, () => {
    let t: TestApp;
    let bot: SeededBot;
    const nowS = () => Math.floor(Date.now() / 1000);

    before(async () => {
      t = await startTestApp(dialect, { WIDGET_JWT_HMAC_SECRET: ENV_SECRET });
      bot = await seedBot(t.services);
    });
    after(() => t.close());

    const verify = (body: unknown, headers: Record<string, string> = {}) =>
      t.app.inject({
        method: 'POST',
        url: '/api/widget/verify-jwt',
        headers: { 'content-type': 'application/json', ...headers },
        payload: typeof body === 'string' ? body : JSON.stringify(body),
      });
    const tokenFor = (secret: string, claims: object = {}) =>
      signHs256(secret, {
        sub: 'user-42',
        name: 'Ada',
        email: 'ada@example.com',
        exp: nowS() + 600,
        ...claims,
      });

    it('verifies a valid token: 200 with claims, expiresAt and an opaque session', async () => {
      const exp = nowS() + 600;
      const res = await verify({
        orgId: bot.orgId,
        botId: bot.botId,
        token: tokenFor(bot.secret ?? '', { exp, role: 'admin' }),
      });
      assert.equal(res.statusCode, 200);
      const body = res.json();
      assert.deepEqual(Object.keys(body).sort(), ['claims', 'expiresAt', 'session', 'verified']);
      assert.equal(body.verified, true);
      assert.deepEqual(body.claims, { sub: 'user-42', name: 'Ada', email: 'ada@example.com' });
      assert.equal(body.expiresAt, exp);
      assert.match(body.session, /^hws_[A-Za-z0-9_-]{60,}$/);
      assert.equal(res.headers['cache-control'], 'no-store');
    });

    it('a failed token: 401 with reason and detail, and nothing else', async () => {
      const token = tokenFor(bot.secret ?? '', { exp: nowS() - 5 });
      const res = await verify({ orgId: bot.orgId, botId: bot.botId, token });
      assert.equal(res.statusCode, 401);
      assert.deepEqual(res.json(), { verified: false, reason: 'expired', detail: 'expired' });
    });

    it('exp in milliseconds → 401 malformed/exp_too_far, not a token for fifty thousand years', async () => {
      const token = tokenFor(bot.secret ?? '', { exp: Date.now() + 600_000 });
      const res = await verify({ orgId: bot.orgId, botId: bot.botId, token });
      assert.equal(res.statusCode, 401);
      assert.deepEqual(res.json(), { verified: false, reason: 'malformed', detail: 'exp_too_far' });
    });

    it('no error response, of any status, and no log line holds the token, a segment of it or its claims', async () => {
      // An app of its own: its logs hold only these requests, and one failure per minute and
      // IP is allowed, so the 429 path is reached without touching the other tests.
      const own = await startTestApp(dialect, { HILAL_VERIFY_FAILURES_PER_MIN: '1' });
      try {
        const seeded = await seedBot(own.services);
        const secret = seeded.secret ?? '';
        const ids = { orgId: seeded.orgId, botId: seeded.botId };
        const post = (payload: string, remoteAddress: string) =>
          own.app.inject({
            method: 'POST',
            url: '/api/widget/verify-jwt',
            remoteAddress,
            headers: { 'content-type': 'application/json' },
            payload,
          });
        // One row per way a request carrying a token can fail (STYLE "Errors": clients get
        // codes from a fixed table, logs get the cause, neither gets the token or raw claims).
        const paths: ReadonlyArray<{
          readonly status: number;
          readonly code: string;
          readonly key?: string;
          readonly expired?: boolean;
          readonly body: (token: string) => string;
          /** Another failure from the same IP first, to use up the limit. */
          readonly overLimit?: boolean;
        }> = [
          {
            status: 401,
            code: 'expired',
            expired: true,
            body: (token) => JSON.stringify({ ...ids, token }),
          },
          {
            status: 401,
            code: 'invalid_signature',
            key: 'f'.repeat(64),
            body: (token) => JSON.stringify({ ...ids, token }),
          },
          {
            status: 400,
            code: 'invalid_json',
            body: (token) => JSON.stringify({ ...ids, token }).slice(0, -1),
          },
          {
            status: 400,
            code: 'invalid_request',
            body: (token) => JSON.stringify({ ...ids, botId: 7, token }),
          },
          {
            status: 404,
            code: 'bot_not_found',
            body: (token) =>
              JSON.stringify({ ...ids, botId: 'bot_000000000000000000000000', token }),
          },
          {
            status: 413,
            code: 'payload_too_large',
            body: (token) => JSON.stringify({ ...ids, token, pad: 'x'.repeat(16 * 1024) }),
          },
          {
            status: 429,
            code: 'rate_limited',
            expired: true,
            overLimit: true,
            body: (token) => JSON.stringify({ ...ids, token }),
          },
        ];
        const needles: Array<[string, string]> = [];
        for (const [i, path] of paths.entries()) {
          const what = `${path.status} ${path.code}`;
          const ip = `192.0.2.${i + 1}`;
          const sub = `canary-sub-${path.code}-${i}`;
          const token = signHs256(path.key ?? secret, {
            sub,
            name: `Canary Name ${i}`,
            exp: nowS() + (path.expired ? -5 : 600),
          });
          const [, payload = '', signature = ''] = token.split('.');
          const mine: Array<[string, string]> = [
            [`${what}: the token`, token],
            [`${what}: its payload segment`, payload],
            [`${what}: its signature segment`, signature],
            [`${what}: its claims`, Buffer.from(payload, 'base64url').toString()],
            [`${what}: its sub`, sub],
          ];
          needles.push(...mine);
          if (path.overLimit) {
            const first = signHs256(secret, { sub: 'x', exp: nowS() - 5 });
            assert.equal(
              (await post(JSON.stringify({ ...ids, token: first }), ip)).statusCode,
              401,
            );
          }
          const res = await post(path.body(token), ip);
          assert.equal(res.statusCode, path.status, `${what}: ${res.body}`);
          const body = res.json();
          assert.equal(path.status === 401 ? body.reason : body.error, path.code, what);
          // The raw bytes of the response, headers included, not the parsed body.
          const raw = `${JSON.stringify(res.headers)}\n${res.body}`;
          for (const [where, needle] of mine)
            assert.ok(!raw.includes(needle), `${where} is in the response: ${raw}`);
        }
        const logs = own.logs.join('');
        assert.ok(
          logs.split('"msg":"request completed"').length > paths.length,
          'every request was logged',
        );
        for (const [where, needle] of needles)
          assert.ok(!logs.includes(needle), `${where} is in the logs`);
      } finally {
        await own.close();
      }
    });

    it("bot A's token fails on bot B, each bot having its own secret", async () => {
      const other = await createChatbot(t.services.db, bot.orgId, 'Sales', Date.now());
      await t.services.secrets.rotate(bot.orgId, other.id, 'test');
      const res = await verify({
        orgId: bot.orgId,
        botId: other.id,
        token: tokenFor(bot.secret ?? ''),
      });
      assert.equal(res.statusCode, 401);
      assert.deepEqual(res.json(), {
        verified: false,
        reason: 'invalid_signature',
        detail: 'signature_mismatch',
      });
    });

    it('environment fallback: a bot without its own secret verifies with WIDGET_JWT_HMAC_SECRET', async () => {
      const plain = await createChatbot(t.services.db, bot.orgId, 'No secret', Date.now());
      const res = await verify({ orgId: bot.orgId, botId: plain.id, token: tokenFor(ENV_SECRET) });
      assert.equal(res.statusCode, 200);
      assert.equal((await t.services.secrets.status(bot.orgId, plain.id)).state, 'environment');
    });

    it("precedence: a bot's own secret wins over the environment fallback", async () => {
      const res = await verify({ orgId: bot.orgId, botId: bot.botId, token: tokenFor(ENV_SECRET) });
      assert.equal(res.statusCode, 401);
      assert.equal(res.json().reason, 'invalid_signature');
    });

    it('an unknown bot → 404 bot_not_found', async () => {
      const res = await verify({
        orgId: bot.orgId,
        botId: 'bot_000000000000000000000000',
        token: tokenFor(ENV_SECRET),
      });
      assert.equal(res.statusCode, 404);
      assert.deepEqual(res.json(), {
        error: 'bot_not_found',
        message: 'No such chatbot in this organization.',
      });
    });

    it('a bot of another organization → 404, even with a valid token for it', async () => {
      const otherOrg = await createOrganization(t.services.db, 'Other', Date.now());
      const res = await verify({
        orgId: otherOrg.id,
        botId: bot.botId,
        token: tokenFor(bot.secret ?? ''),
      });
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().error, 'bot_not_found');
    });

    it('a body that is not JSON → 400 invalid_json, without echoing the body', async () => {
      const token = tokenFor(bot.secret ?? '');
      const res = await verify(`{"orgId":"${bot.orgId}","token":"${token}"`);
      assert.equal(res.statusCode, 400);
      assert.deepEqual(res.json(), {
        error: 'invalid_json',
        message: 'The request body is not valid JSON.',
      });
      assert.ok(!res.body.includes(token));
    });

    for (const [what, body] of [
      ['a number token', { orgId: 'org_x', botId: 'bot_x', token: 12345 }],
      ['a null token', { orgId: 'org_x', botId: 'bot_x', token: null }],
      ['no token', { orgId: 'org_x', botId: 'bot_x' }],
      ['a number botId', { orgId: 'org_x', botId: 7, token: 'a.b.c' }],
      ['an array orgId', { orgId: ['org_x'], botId: 'bot_x', token: 'a.b.c' }],
      ['a JSON array body', ['org_x', 'bot_x', 'a.b.c']],
      ['a JSON string body', 'x'],
    ] as const) {
      it(`${what} → 400 invalid_request`, async () => {
        const res = await verify(JSON.stringify(body));
        assert.equal(res.statusCode, 400);
        assert.deepEqual(res.json(), {
          error: 'invalid_request',
          message: 'The request does not have the expected fields.',
        });
      });
    }

    it('a non-string token on an unknown bot is 400, not 404 (400 comes first)', async () => {
      const res = await verify({ orgId: 'org_nope', botId: 'bot_nope', token: 1 });
      assert.equal(res.statusCode, 400);
    });

    it('a body over 16 KiB → 413 payload_too_large, before anything else', async () => {
      const res = await verify(`{"token": 5, "pad": "${'x'.repeat(16 * 1024)}"}`);
      assert.equal(res.statusCode, 413);
      assert.deepEqual(res.json(), {
        error: 'payload_too_large',
        message: 'The request body is too large.',
      });
    });

    it('a token over 8 KiB inside a body under 16 KiB → 401 malformed/too_long', async () => {
      const token = tokenFor(bot.secret ?? '', { pad: 'x'.repeat(9000) });
      const res = await verify({ orgId: bot.orgId, botId: bot.botId, token });
      assert.equal(res.statusCode, 401);
      assert.deepEqual(res.json(), { verified: false, reason: 'malformed', detail: 'too_long' });
    });

    it('alg none is refused even for a bot with no secret at all → not_configured first', async () => {
      const bare = await startTestApp(dialect);
      try {
        const seeded = await seedBot(bare.services, false);
        const none = `${b64url('{"alg":"none"}')}.${b64url(JSON.stringify({ sub: 'x', exp: nowS() + 60 }))}.`;
        const res = await bare.app.inject({
          method: 'POST',
          url: '/api/widget/verify-jwt',
          payload: { orgId: seeded.orgId, botId: seeded.botId, token: none },
        });
        assert.equal(res.statusCode, 401);
        assert.deepEqual(res.json(), {
          verified: false,
          reason: 'not_configured',
          detail: 'no_secret',
        });
      } finally {
        await bare.close();
      }
    });

    it('clock tolerance from WIDGET_JWT_CLOCK_TOLERANCE_S applies to the route', async () => {
      const tolerant = await startTestApp(dialect, { WIDGET_JWT_CLOCK_TOLERANCE_S: '120' });
      try {
        const seeded = await seedBot(tolerant.services);
        const token = signHs256(seeded.secret ?? '', { sub: 'u', exp: nowS() - 60 });
        const res = await tolerant.app.inject({
          method: 'POST',
          url: '/api/widget/verify-jwt',
          payload: { orgId: seeded.orgId, botId: seeded.botId, token },
        });
        assert.equal(res.statusCode, 200);
      } finally {
        await tolerant.close();
      }
    });

    it('counts outcomes per bot and reason, and long-lived tokens as a warning', async () => {
      await verify({
        orgId: bot.orgId,
        botId: bot.botId,
        token: tokenFor(bot.secret ?? '', { exp: nowS() + 7200 }),
      });
      await verify({ orgId: bot.orgId, botId: bot.botId, token: 'nope' });
      await t.services.counters.flush();
      const rows = await t.services.db
        .selectFrom('bot_counters')
        .select(['metric', 'count'])
        .where('chatbot_id', '=', bot.botId)
        .execute();
      const counts = Object.fromEntries(rows.map((row) => [row.metric, Number(row.count)]));
      assert.ok((counts['verify:verified'] ?? 0) >= 1);
      assert.equal(counts['verify:long_lived'], 1);
      assert.equal(counts['verify:malformed:segments'], 1);
    });
  });
}
