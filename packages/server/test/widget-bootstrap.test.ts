// Issue 9 item 6: the widget's load as CORS-simple requests. POST /api/widget/bootstrap answers
// config, session and conversation at once, each part as its own route would; POST
// /api/chat/events is the stream with its credential in the body. Neither weakens a check.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createChatbot } from '../src/bots/chatbots-repository.js';
import { readSseEvents } from '../src/http/sse-parser.js';
import { DIALECTS } from './support/databases.js';
import { type SeededBot, seedBot, startTestApp, type TestApp } from './support/test-app.js';
import { WidgetClient } from './support/widget-client.js';

const ALLOWED = 'https://shop.example';

for (const dialect of DIALECTS) {
  describe(`POST /api/widget/bootstrap (${dialect})`, () => {
    let t: TestApp;
    let bot: SeededBot;
    before(async () => {
      t = await startTestApp(dialect);
      bot = await seedBot(t.services);
    });
    after(() => t.close());

    const boot = (body: object, headers: Record<string, string> = {}) =>
      t.app.inject({
        method: 'POST',
        url: '/api/widget/bootstrap',
        headers: { 'content-type': 'text/plain;charset=UTF-8', ...headers },
        payload: JSON.stringify({ orgId: bot.orgId, botId: bot.botId, ...body }),
      });

    it('starts an anonymous session and answers the config and its empty conversation', async () => {
      const res = await boot({ start: true }, { origin: 'https://any.example' });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['access-control-allow-origin'], 'https://any.example');
      assert.equal(res.headers['cache-control'], 'no-store');
      const body = res.json();
      const config = await t.app.inject({
        method: 'GET',
        url: `/api/widget/config?orgId=${bot.orgId}&botId=${bot.botId}`,
      });
      assert.deepEqual(body.config, config.json());
      assert.equal(body.started.identity, 'anonymous');
      assert.match(body.started.session, /^hws_/);
      assert.equal(body.verified, undefined);
      assert.deepEqual(body.history, {
        identity: 'anonymous',
        name: null,
        conversationId: null,
        messages: [],
      });
    });

    it('verifies a token as verify-jwt does, and loads that session’s conversation', async () => {
      const visitor = new WidgetClient(t.app, bot);
      await visitor.startAnonymous();
      await visitor.send('before signing in');
      const token = visitor.token('boot-user', { name: 'Bo Boot', role: 'admin' });
      const res = await boot({ token, session: visitor.session });
      assert.equal(res.statusCode, 200, res.body);
      assert.ok(!res.body.includes(token), 'the token is never echoed');
      const { verified, history, started } = res.json();
      assert.equal(started, undefined);
      assert.equal(verified.verified, true);
      assert.deepEqual(verified.claims, { sub: 'boot-user', name: 'Bo Boot' });
      assert.notEqual(verified.session, visitor.session);
      // The anonymous conversation carried over to the verified session, as with verify-jwt.
      assert.equal(history.identity, 'verified');
      assert.equal(history.name, 'Bo Boot');
      assert.ok(history.messages.some((m: { text: string }) => m.text === 'before signing in'));
    });

    it('gives a refused token’s reason, and the conversation of the session held', async () => {
      const visitor = new WidgetClient(t.app, bot);
      await visitor.startAnonymous();
      const res = await boot({ token: 'not.a.token', session: visitor.session });
      assert.equal(res.statusCode, 200, res.body);
      const { verified, history } = res.json();
      assert.deepEqual(verified, { verified: false, reason: 'malformed', detail: 'base64url' });
      assert.equal(history.identity, 'anonymous');
    });

    it('loads the conversation of a session held, and nothing for a dead one', async () => {
      const visitor = new WidgetClient(t.app, bot);
      await visitor.startAnonymous({ name: 'Sam Self' });
      await visitor.send('kept');
      await t.app.replies.drain();
      const res = await boot({ session: visitor.session });
      const { history, started, verified } = res.json();
      assert.equal(started ?? verified, undefined);
      assert.equal(history.identity, 'self-reported');
      assert.deepEqual(
        history.messages.map((m: { author: string }) => m.author),
        ['visitor', 'bot'],
      );
      assert.equal(history.messages[0].text, 'kept');
      const dead = await boot({ session: 'hws_nothing' });
      assert.equal(dead.statusCode, 200);
      assert.equal(dead.json().history, undefined);
    });

    it('answers 404 for an unknown bot, 400 for a bad body, and 403 for a foreign origin', async () => {
      const unknown = await boot({ botId: 'bot_nope', start: true });
      assert.equal(unknown.statusCode, 404);
      assert.equal(unknown.json().error, 'bot_not_found');
      const bad = await boot({ token: 42 });
      assert.equal(bad.statusCode, 400);
      const shop = await createChatbot(t.services.db, bot.orgId, 'Shop', Date.now(), {
        allowedOrigins: [ALLOWED],
      });
      const foreign = await boot(
        { botId: shop.id, start: true },
        { origin: 'https://evil.example' },
      );
      assert.equal(foreign.statusCode, 403);
      assert.equal(foreign.json().error, 'origin_not_allowed');
      assert.ok(!foreign.body.includes('hws_'), 'no session minted');
      const allowed = await boot({ botId: shop.id, start: true }, { origin: ALLOWED });
      assert.equal(allowed.statusCode, 200);
    });
  });
}

describe('POST /api/chat/events: the stream as a simple request', () => {
  let t: TestApp;
  let bot: SeededBot;
  let baseUrl: string;
  before(async () => {
    t = await startTestApp('sqlite');
    bot = await seedBot(t.services);
    baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(() => t.close());

  const open = (body: object, origin = 'https://any.example', signal?: AbortSignal) =>
    fetch(`${baseUrl}/api/chat/events`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin },
      body: JSON.stringify(body),
      ...(signal ? { signal } : {}),
    });

  it('streams with the credential, belief and resume point in the body', async () => {
    const visitor = new WidgetClient(t.app, bot);
    await visitor.startAnonymous();
    const first = (await visitor.send('first')).json().message;
    await t.app.replies.drain();
    await visitor.send('second');
    await t.app.replies.drain();
    const controller = new AbortController();
    const res = await open(
      { session: visitor.session, identity: 'anonymous', lastEventId: String(first.seq) },
      undefined,
      controller.signal,
    );
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    assert.equal(res.headers.get('x-hilal-identity-source'), 'anonymous');
    assert.equal(res.headers.get('access-control-allow-origin'), 'https://any.example');
    const texts: string[] = [];
    for await (const event of readSseEvents(res.body ?? new ReadableStream())) {
      if (event.event === 'message') texts.push(JSON.parse(event.data).text);
      if (texts.includes('second')) break;
    }
    controller.abort();
    assert.ok(!texts.includes('first'), 'resumed after lastEventId');
  });

  it('refuses a missing or dead credential, and a foreign origin', async () => {
    assert.equal((await open({})).status, 400);
    const dead = await open({ session: 'hws_nothing' });
    assert.equal(dead.status, 401);
    assert.equal(((await dead.json()) as { error: string }).error, 'unauthorized');
    const shop = await createChatbot(t.services.db, bot.orgId, 'Shop', Date.now(), {
      allowedOrigins: [ALLOWED],
    });
    const started = await t.app.inject({
      method: 'POST',
      url: '/api/widget/session',
      headers: { origin: ALLOWED },
      payload: { orgId: bot.orgId, botId: shop.id },
    });
    assert.equal(started.statusCode, 200, started.body);
    const { session } = started.json();
    const foreign = await open({ session }, 'https://evil.example');
    assert.equal(foreign.status, 403);
    assert.equal(((await foreign.json()) as { error: string }).error, 'origin_not_allowed');
    const allowed = await open({ session }, ALLOWED);
    assert.equal(allowed.status, 200);
    await allowed.body?.cancel();
  });
});
