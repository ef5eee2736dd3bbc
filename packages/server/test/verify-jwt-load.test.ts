// docs/contract.md §5: on mount with a token the widget asks `POST /api/widget/verify-jwt`. Its load
// stays one CORS-simple request: with `load` in a `text/plain` body, verify-jwt's own 200 or 401
// also carries the bot's config and the conversation of the session in force (README "HTTP
// API"). Without `load` the answer is the contract's alone; every check, count and 429 is the same.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createChatbot } from '../src/bots/chatbots-repository.js';
import { DIALECTS } from './support/databases.js';
import { type SeededBot, seedBot, startTestApp, type TestApp } from './support/test-app.js';
import { signHs256 } from './support/tokens.js';
import { WidgetClient } from './support/widget-client.js';

const ALLOWED = 'https://shop.example';
const SIMPLE = { 'content-type': 'text/plain;charset=UTF-8' };

for (const dialect of DIALECTS) {
  describe(`POST /api/widget/verify-jwt with load (${dialect})`, () => {
    let t: TestApp;
    let bot: SeededBot;
    before(async () => {
      t = await startTestApp(dialect);
      bot = await seedBot(t.services);
    });
    after(() => t.close());

    const verify = (body: object | string, headers: Record<string, string> = {}) =>
      t.app.inject({
        method: 'POST',
        url: '/api/widget/verify-jwt',
        headers: { ...SIMPLE, ...headers },
        payload:
          typeof body === 'string'
            ? body
            : JSON.stringify({ orgId: bot.orgId, botId: bot.botId, ...body }),
      });
    const config = async (botId = bot.botId) =>
      (
        await t.app.inject({
          method: 'GET',
          url: `/api/widget/config?orgId=${bot.orgId}&botId=${botId}`,
        })
      ).json();

    it('200: the contract’s body, the config, and the carried-over conversation', async () => {
      const visitor = new WidgetClient(t.app, bot);
      await visitor.startAnonymous();
      await visitor.send('before signing in');
      await t.app.replies.drain(); // the bot's reply too: the history stays still
      const token = visitor.token('load-user', { name: 'Lou Load', role: 'admin' });
      const res = await verify(
        { token, load: { session: visitor.session } },
        { origin: 'https://any.example' },
      );
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['access-control-allow-origin'], 'https://any.example');
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.ok(!res.body.includes(token), 'the token is never echoed');
      const body = res.json();
      assert.deepEqual(Object.keys(body), [
        'verified',
        'claims',
        'expiresAt',
        'session',
        'config',
        'history',
      ]);
      assert.equal(body.verified, true);
      assert.deepEqual(body.claims, { sub: 'load-user', name: 'Lou Load' });
      assert.match(body.session, /^hws_/);
      assert.notEqual(body.session, visitor.session);
      assert.deepEqual(body.config, await config());
      // `load.session` carried the anonymous conversation over, as `Authorization: Bearer` does.
      assert.equal(body.history.identity, 'verified');
      assert.equal(body.history.name, 'Lou Load');
      assert.equal(body.history.messages[0].text, 'before signing in');
      // The history is the new session's, as `GET /api/chat/history` answers it.
      const own = await t.app.inject({
        method: 'GET',
        url: '/api/chat/history',
        headers: { authorization: `Bearer ${body.session}` },
      });
      assert.deepEqual(body.history, own.json());
    });

    it('401: the contract’s body, the config, and the held session’s conversation', async () => {
      const visitor = new WidgetClient(t.app, bot);
      await visitor.startAnonymous();
      await visitor.send('kept while anonymous');
      await t.app.replies.drain(); // the bot's reply too: the history stays still
      const refused = await verify({ token: 'not.a.token', load: { session: visitor.session } });
      assert.equal(refused.statusCode, 401, refused.body);
      const body = refused.json();
      assert.deepEqual(Object.keys(body), ['verified', 'reason', 'detail', 'config', 'history']);
      assert.deepEqual(
        { verified: body.verified, reason: body.reason, detail: body.detail },
        { verified: false, reason: 'malformed', detail: 'base64url' },
      );
      assert.deepEqual(body.config, await config());
      assert.equal(body.history.identity, 'anonymous');
      assert.equal(body.history.messages[0].text, 'kept while anonymous');

      // No session held: the config alone, no session minted.
      const alone = await verify({ token: 'not.a.token', load: {} });
      assert.equal(alone.statusCode, 401);
      assert.deepEqual(Object.keys(alone.json()), ['verified', 'reason', 'detail', 'config']);
      assert.ok(!alone.body.includes('hws_'));
    });

    it('load.session logged out, or NUL-laden: no conversation of it, or 400', async () => {
      const visitor = new WidgetClient(t.app, bot);
      await visitor.startAnonymous();
      await visitor.send('before the logout');
      await t.app.replies.drain();
      const logout = await t.app.inject({
        method: 'POST',
        url: '/api/chat/logout',
        headers: { authorization: `Bearer ${visitor.session}` },
      });
      assert.equal(logout.statusCode, 204, logout.body);
      const token = visitor.token('after-logout');
      const res = await verify({ token, load: { session: visitor.session } });
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      // A new session, not of the ended family: nothing of the logged-out conversation.
      assert.ok(!res.body.includes('before the logout'), res.body);
      assert.deepEqual(body.history?.messages ?? [], []);

      const nul = await verify({ token, load: { session: `${visitor.session}\u0000` } });
      assert.equal(nul.statusCode, 400, nul.body);
      assert.equal(nul.json().error, 'invalid_character');
    });

    it('without load: the contract’s body alone, byte for byte', async () => {
      const visitor = new WidgetClient(t.app, bot);
      await visitor.startAnonymous();
      const token = visitor.token('plain-user', { name: 'Pat' });
      const res = await verify({ token }, { authorization: `Bearer ${visitor.session}` });
      assert.equal(res.statusCode, 200, res.body);
      const { expiresAt, session } = res.json();
      assert.equal(
        res.body,
        `{"verified":true,"claims":{"sub":"plain-user","name":"Pat"},"expiresAt":${expiresAt},"session":"${session}"}`,
      );
      const refused = await verify({ token: 'not.a.token' });
      assert.equal(refused.statusCode, 401);
      assert.equal(refused.body, '{"verified":false,"reason":"malformed","detail":"base64url"}');
      // An integrator's JSON body works as before, with or without `load`.
      const json = await verify({ token: 'not.a.token' }, { 'content-type': 'application/json' });
      assert.equal(json.body, refused.body);
      const jsonLoad = await verify(
        { token: 'not.a.token', load: {} },
        { 'content-type': 'application/json' },
      );
      assert.deepEqual(jsonLoad.json().config, await config());
    });

    it('keeps 413, 400, 404, then 403 for a foreign origin, with load in a text/plain body', async () => {
      const shop = await createChatbot(t.services.db, bot.orgId, 'Shop', Date.now(), {
        allowedOrigins: [ALLOWED],
      });
      const { secret } = await t.services.secrets.rotate(bot.orgId, shop.id, 'test');
      const visitor = new WidgetClient(t.app, { ...bot, botId: shop.id, secret });
      const token = visitor.token('shop-user');
      const foreign = { origin: 'https://evil.example' };
      const ids = { orgId: bot.orgId, botId: shop.id };
      const huge = JSON.stringify({ ...ids, token: 'x'.repeat(17 * 1024), load: {} });
      assert.equal((await verify(huge, foreign)).statusCode, 413);
      assert.equal((await verify({ ...ids, token: 7, load: {} }, foreign)).statusCode, 400);
      assert.equal((await verify({ ...ids, token, load: 'yes' }, foreign)).statusCode, 400);
      assert.equal((await verify('{not json', foreign)).statusCode, 400);
      const unknown = { botId: 'bot_000000000000000000000000', token, load: {} };
      assert.equal((await verify(unknown, foreign)).statusCode, 404);

      const refused = await verify({ ...ids, token, load: {} }, foreign);
      assert.equal(refused.statusCode, 403);
      assert.deepEqual(refused.json(), {
        error: 'origin_not_allowed',
        message: 'This origin may not use this chatbot.',
      });
      assert.ok(!refused.body.includes('hws_'), 'no session minted');
      assert.ok(!refused.body.includes('config'), 'no config either');
      const allowed = await verify({ ...ids, token, load: {} }, { origin: ALLOWED });
      assert.equal(allowed.statusCode, 200, allowed.body);
      assert.deepEqual(allowed.json().config, await config(shop.id));
    });
  });
}

describe('verify-jwt with load: failures counted, and 429, as without it', () => {
  let t: TestApp;
  let bot: SeededBot;
  let clock = Date.UTC(2030, 0, 1);
  before(async () => {
    t = await startTestApp('sqlite', { HILAL_VERIFY_FAILURES_PER_MIN: '3' }, { now: () => clock });
    bot = await seedBot(t.services);
  });
  after(() => t.close());

  const verify = (token: string, remoteAddress: string, load?: object) =>
    t.app.inject({
      method: 'POST',
      url: '/api/widget/verify-jwt',
      remoteAddress,
      headers: SIMPLE,
      payload: JSON.stringify({
        orgId: bot.orgId,
        botId: bot.botId,
        token,
        ...(load ? { load } : {}),
      }),
    });

  it('counts towards the same per-IP limit; past it a failing token gets 429, a valid one 200', async () => {
    const ip = '192.0.2.30';
    // Failures with and without load share one count.
    for (const load of [{}, undefined, {}]) {
      clock += 1000;
      assert.equal((await verify('bad', ip, load)).statusCode, 401);
    }
    clock += 1000;
    const limited = await verify('bad', ip, {});
    assert.equal(limited.statusCode, 429);
    assert.deepEqual(limited.json(), {
      error: 'rate_limited',
      message: 'Too many requests. Retry later.',
    });
    assert.equal(limited.headers['retry-after'], '57');
    assert.equal((await verify('bad', ip)).statusCode, 429);
    const valid = signHs256(bot.secret ?? '', { sub: 'u', exp: Math.floor(clock / 1000) + 600 });
    const ok = await verify(valid, ip, {});
    assert.equal(ok.statusCode, 200, ok.body);
    assert.ok(ok.json().config, 'the load’s config too');
    assert.equal((await verify('bad', '192.0.2.31', {})).statusCode, 401, 'another address');
  });
});
