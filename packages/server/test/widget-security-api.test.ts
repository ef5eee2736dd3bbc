import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createChatbot } from '../src/bots/chatbots-repository.js';
import { type AdminClient, signedInAdmin } from './support/admin-client.js';
import { dumpDatabase } from './support/database-dump.js';
import { DIALECTS } from './support/databases.js';
import { type SeededBot, seedBot, startTestApp, type TestApp } from './support/test-app.js';
import { signHs256 } from './support/tokens.js';

const nowS = () => Math.floor(Date.now() / 1000);

for (const dialect of DIALECTS) {
  describe(`Widget Security card API: overview, audit log, Check a token (${dialect})`, () => {
    let t: TestApp;
    let bot: SeededBot;
    let owner: AdminClient;
    let admin: AdminClient;
    let agent: AdminClient;
    let stranger: AdminClient;
    const security = (botId = bot.botId) => `/api/admin/bots/${botId}/security`;
    const secretPath = (botId = bot.botId) => `/api/admin/bots/${botId}/secret`;
    const verify = (token: string, origin?: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/widget/verify-jwt',
        headers: origin ? { origin } : {},
        payload: { orgId: bot.orgId, botId: bot.botId, token },
      });

    before(async () => {
      t = await startTestApp(dialect);
      bot = await seedBot(t.services);
      owner = await signedInAdmin(t.app, t.services, 'owner@acme.test', 'owner', bot.orgId);
      admin = await signedInAdmin(t.app, t.services, 'admin@acme.test', 'admin', bot.orgId);
      agent = await signedInAdmin(t.app, t.services, 'agent@acme.test', 'agent', bot.orgId);
      stranger = await signedInAdmin(t.app, t.services, 'owner@other.test', 'owner');
    });
    after(() => t.close());

    it('another organization gets 404, an agent 403, a POST without the CSRF header 403', async () => {
      for (const [method, url, body] of [
        ['GET', security(), undefined],
        ['POST', `${secretPath()}/check`, { token: 'a.b.c' }],
      ] as const) {
        const other = await stranger.call(method, url, body);
        assert.equal(other.statusCode, 404, other.body);
        assert.equal(other.json().error, 'bot_not_found');
        const byAgent = await agent.call(method, url, body);
        assert.equal(byAgent.statusCode, 403, byAgent.body);
        const noCsrf = await owner.call(method, url, body, { csrf: false });
        // Reads need no CSRF header; what a POST does, a cross-site form must not.
        assert.equal(noCsrf.statusCode, method === 'GET' ? 200 : 403, noCsrf.body);
      }
    });

    it('a failing token shows in the outcomes and in Recent failures, with its origin and never the token', async () => {
      assert.ok(bot.secret);
      const good = signHs256(bot.secret, { sub: 'u-1', exp: nowS() + 600 });
      const longLived = signHs256(bot.secret, { sub: 'u-1', exp: nowS() + 3 * 24 * 3600 });
      const expired = signHs256(bot.secret, { sub: 'u-1', exp: nowS() - 3600 });
      const wrongSecret = signHs256('f'.repeat(64), { sub: 'u-1', exp: nowS() + 600 });
      assert.equal((await verify(good)).json().verified, true);
      assert.equal((await verify(longLived)).json().verified, true);
      assert.equal((await verify(expired, 'https://shop.example')).json().reason, 'expired');
      assert.equal((await verify(wrongSecret)).json().reason, 'invalid_signature');
      await t.services.counters.flush();

      const res = await admin.call('GET', security());
      assert.equal(res.statusCode, 200, res.body);
      const card = res.json();
      assert.deepEqual(card.outcomes.last24h, { verified: 2, expired: 1, invalid_signature: 1 });
      assert.deepEqual(card.outcomes.last7d, card.outcomes.last24h);
      assert.deepEqual(card.headerMismatches, { last24h: 0, last7d: 0 });
      assert.equal(card.longLived.last24h, card.longLived.last7d);
      assert.equal(card.verifiedShare.last7d, null);
      assert.equal(typeof card.lastVerifiedAt, 'number');
      assert.deepEqual(
        card.recentFailures.map((f: Record<string, unknown>) => [f.reason, f.detail, f.origin]),
        [
          ['invalid_signature', 'signature_mismatch', null],
          ['expired', 'expired', 'https://shop.example'],
        ],
      );
      assert.equal(card.status.state, 'own');
      for (const token of [expired, wrongSecret]) {
        assert.ok(!res.body.includes(token));
        assert.ok(!(await dumpDatabase(t.services)).includes(token));
      }
    });

    it('keeps only the newest 50 failures of a bot', async () => {
      const other = await createChatbot(t.services.db, bot.orgId, 'Busy', Date.now());
      for (let i = 0; i < 55; i++) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/widget/verify-jwt',
          payload: { orgId: bot.orgId, botId: other.id, token: `not-a-token-${i}` },
        });
        assert.equal(res.json().verified, false, res.body);
      }
      const rows = await t.services.db
        .selectFrom('verify_failures')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('chatbot_id', '=', other.id)
        .executeTakeFirstOrThrow();
      assert.equal(Number(rows.n), 50);
      const card = (await owner.call('GET', security(other.id))).json();
      assert.equal(card.recentFailures.length, 50);
    });

    it('the audit log records regenerate, save, cancel and clear, by whom; no GET shows a secret', async () => {
      const fresh = await createChatbot(t.services.db, bot.orgId, 'Audited', Date.now());
      const steps: Array<[AdminClient, 'POST' | 'DELETE', string]> = [
        [owner, 'POST', '/regenerate'],
        [admin, 'POST', '/save'],
        [admin, 'POST', '/regenerate'],
        [owner, 'POST', '/cancel'],
        [owner, 'DELETE', ''],
      ];
      const secrets: string[] = [];
      for (const [client, method, suffix] of steps) {
        const res = await client.call(method, `${secretPath(fresh.id)}${suffix}`);
        assert.equal(res.statusCode, 200, res.body);
        if (suffix === '/regenerate') secrets.push(res.json().secret);
      }
      const res = await owner.call('GET', security(fresh.id));
      const card = res.json();
      assert.deepEqual(
        card.audit.map((a: { action: string; actor: string }) => [a.action, a.actor]),
        [
          ['clear', 'owner@acme.test'],
          ['cancel', 'owner@acme.test'],
          ['regenerate', 'admin@acme.test'],
          ['save', 'admin@acme.test'],
          ['regenerate', 'owner@acme.test'],
        ],
      );
      assert.equal(card.status.state, 'not_configured');
      const status = await owner.call('GET', secretPath(fresh.id));
      for (const secret of secrets) {
        assert.equal(secret.length, 64);
        assert.ok(!res.body.includes(secret));
        assert.ok(!status.body.includes(secret));
      }
    });

    it('Check a token: the verdict, its fix, header, claims and readable times; after Save while pending', async () => {
      assert.ok(bot.secret);
      const exp = nowS() - 60;
      const expired = signHs256(bot.secret, { sub: 'u-9', exp });
      const res = await owner.call('POST', `${secretPath()}/check`, { token: expired });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['cache-control'], 'no-store');
      const check = res.json();
      assert.equal(check.verified, false);
      assert.equal(check.reason, 'expired');
      assert.equal(check.detail, 'expired');
      assert.equal(typeof check.fix, 'string');
      assert.deepEqual(check.header, { alg: 'HS256', typ: 'JWT' });
      assert.deepEqual(check.claims, { sub: 'u-9', exp });
      assert.equal(check.times.exp, new Date(exp * 1000).toISOString());
      assert.equal(check.afterSave, undefined);

      const pending = (await owner.call('POST', `${secretPath()}/regenerate`)).json().secret;
      const signedWithPending = signHs256(pending, { sub: 'u-9', exp: nowS() + 600 });
      const whilePending = (
        await admin.call('POST', `${secretPath()}/check`, { token: signedWithPending })
      ).json();
      assert.equal(whilePending.verified, true);
      assert.deepEqual(whilePending.afterSave, { verified: true });
      const oldOne = signHs256(bot.secret, { sub: 'u-9', exp: nowS() + 600 });
      const old = (await admin.call('POST', `${secretPath()}/check`, { token: oldOne })).json();
      assert.equal(old.verified, true);
      assert.equal(old.afterSave.reason, 'invalid_signature');
      assert.equal((await owner.call('POST', `${secretPath()}/cancel`)).statusCode, 200);

      // Nothing pasted is stored, counted or logged.
      const logs = t.logs.join('');
      const dump = await dumpDatabase(t.services);
      for (const token of [expired, signedWithPending, oldOne]) {
        assert.ok(!logs.includes(token), 'a checked token is in the logs');
        assert.ok(!dump.includes(token), 'a checked token is in the database');
      }
    });

    it('Check a token: 30 a minute per user, then 429 with Retry-After; others are not held up', async () => {
      const checker = await signedInAdmin(
        t.app,
        t.services,
        'checker@acme.test',
        'admin',
        bot.orgId,
      );
      const check = (client: AdminClient) =>
        client.call('POST', `${secretPath()}/check`, { token: 'a.b.c' });
      for (let i = 0; i < 30; i++)
        assert.equal((await check(checker)).statusCode, 200, `check ${i}`);
      const refused = await check(checker);
      assert.equal(refused.statusCode, 429);
      assert.equal(refused.json().error, 'rate_limited');
      assert.ok(Number(refused.headers['retry-after']) >= 1);
      assert.equal((await check(owner)).statusCode, 200);
    });
  });
}
