// Issue 9 item 6: the widget's load as CORS-simple requests. POST /api/widget/bootstrap answers
// config, session and conversation at once, each part as its own route would; POST
// /api/chat/events is the stream with its credential in the body. Neither weakens a check.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createChatbot } from '../src/bots/chatbots-repository.js';
import { type ErrorCode, errorBody } from '../src/errors.js';
import { readSseEvents } from '../src/http/sse-parser.js';
import { createWidgetSessions, SESSION_LIFETIME_MS } from '../src/identity/widget-sessions.js';
import { DIALECTS } from './support/databases.js';
import { openSimpleStream, type SseEvent } from './support/sse.js';
import {
  type SeededBot,
  seedBot,
  serveSeededBot,
  startTestApp,
  type TestApp,
} from './support/test-app.js';
import { startTwoInstances, type TwoInstances } from './support/two-instances.js';
import { WidgetClient } from './support/widget-client.js';

const ALLOWED = 'https://shop.example';

/** The texts of a history answer's messages. */
const textsOf = (history: { messages: Array<{ text: string }> } | undefined) =>
  (history?.messages ?? []).map((message) => message.text);

const messageWith = (text: string) => (event: SseEvent) =>
  event.event === 'message' && JSON.parse(event.data).text === text;

/** `POST /api/chat/logout` as the widget sends it: its whole family of sessions ends. */
async function logout(app: FastifyInstance, visitor: WidgetClient) {
  const res = await app.inject({
    method: 'POST',
    url: '/api/chat/logout',
    headers: visitor.chatHeaders(),
  });
  assert.equal(res.statusCode, 204, res.body);
}

for (const dialect of DIALECTS) {
  describe(`POST /api/widget/bootstrap (${dialect})`, () => {
    let t: TestApp;
    let bot: SeededBot;
    // The server's clock runs this far ahead while a test looks at expiry (`later`).
    let offset = 0;
    before(async () => {
      t = await startTestApp(dialect, {}, { now: () => Date.now() + offset });
      bot = await seedBot(t.services);
    });
    after(() => t.close());

    async function later<T>(ms: number, run: () => Promise<T>): Promise<T> {
      offset = ms;
      try {
        return await run();
      } finally {
        offset = 0;
      }
    }

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

    // Attack review: what each kind of foreign, dead or hostile input gets from the bootstrap.

    it('a bot of another organization, or an unknown one, is 404 bot_not_found and mints nothing', async () => {
      const other = await seedBot(t.services);
      for (const ids of [
        { botId: other.botId },
        { orgId: other.orgId },
        { botId: `bot_${'0'.repeat(24)}` },
        { orgId: 'org_nope', botId: 'bot_nope' },
      ]) {
        const res = await boot({ ...ids, start: true });
        assert.equal(res.statusCode, 404, JSON.stringify(ids));
        assert.deepEqual(res.json(), errorBody('bot_not_found'));
        assert.ok(!res.body.includes('hws_'), 'no session minted');
      }
      // Another bot's token is only a failing token here: its secret is not this bot's.
      const theirs = new WidgetClient(t.app, other).token('their-user');
      const res = await boot({ token: theirs });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json().verified, {
        verified: false,
        reason: 'invalid_signature',
        detail: 'signature_mismatch',
      });
    });

    it('a session of another bot or organization shows nothing of it and joins nothing of it', async () => {
      const sibling = await createChatbot(t.services.db, bot.orgId, 'Sibling', Date.now());
      const foreignBots: SeededBot[] = [
        await seedBot(t.services),
        { orgId: bot.orgId, botId: sibling.id, secret: undefined },
      ];
      for (const foreignBot of foreignBots) {
        const foreign = new WidgetClient(t.app, foreignBot);
        await foreign.startAnonymous();
        await foreign.sendAndAwaitReply('foreign conversation');
        const held = await boot({ session: foreign.session });
        assert.equal(held.statusCode, 200, held.body);
        assert.equal(held.json().history, undefined);

        const started = await boot({ start: true, session: foreign.session });
        assert.equal(started.statusCode, 200, started.body);
        assert.deepEqual(textsOf(started.json().history), []);
        const verified = await boot({
          token: new WidgetClient(t.app, bot).token('cross-bot-user'),
          session: foreign.session,
        });
        assert.equal(verified.json().verified.verified, true);
        assert.deepEqual(textsOf(verified.json().history), []);

        // Neither joined the foreign session's family: its logout leaves them live.
        await logout(t.app, foreign);
        for (const session of [started.json().started.session, verified.json().verified.session]) {
          assert.notEqual((await boot({ session })).json().history, undefined);
        }
      }
    });

    it('a credential replayed after logout shows nothing, and starting again begins a new visitor', async () => {
      const visitor = new WidgetClient(t.app, bot);
      await visitor.startAnonymous();
      await visitor.sendAndAwaitReply('before logout');
      const anonymous = visitor.session;
      // Signed in through the bootstrap, then signed out: the whole family ends.
      const signedIn = await boot({ token: visitor.token('logout-user'), session: anonymous });
      visitor.session = signedIn.json().verified.session;
      visitor.belief = 'verified';
      assert.ok(textsOf(signedIn.json().history).includes('before logout'));
      await logout(t.app, visitor);

      for (const session of [anonymous, visitor.session]) {
        const held = await boot({ session });
        assert.equal(held.statusCode, 200, held.body);
        assert.equal(held.json().history, undefined);
        const started = await boot({ start: true, session });
        assert.equal(started.json().started.identity, 'anonymous');
        assert.deepEqual(started.json().history, {
          identity: 'anonymous',
          name: null,
          conversationId: null,
          messages: [],
        });
        const history = await t.app.inject({
          method: 'GET',
          url: '/api/chat/history',
          headers: { authorization: `Bearer ${session}` },
        });
        assert.equal(history.statusCode, 401);
        assert.deepEqual(history.json(), errorBody('unauthorized'));
      }
      // A token with the dead session as its browser's: verified, but nothing carried over.
      const again = await boot({ token: visitor.token('someone-else'), session: anonymous });
      assert.equal(again.json().verified.verified, true);
      assert.deepEqual(textsOf(again.json().history), []);
    });

    it('an expired token gets its reason; a session past its token or its lifetime shows nothing it had', async () => {
      const visitor = new WidgetClient(t.app, bot);
      assert.equal((await visitor.verify(visitor.token('expiring-user'))).statusCode, 200);
      await visitor.sendAndAwaitReply('verified only');
      const expired = await boot({
        token: visitor.token('expiring-user', {}, -60),
        session: visitor.session,
      });
      assert.equal(expired.statusCode, 200, expired.body);
      assert.deepEqual(expired.json().verified, {
        verified: false,
        reason: 'expired',
        detail: 'expired',
      });
      // The session held is still verified: its own conversation comes with the refusal.
      assert.ok(textsOf(expired.json().history).includes('verified only'));

      // Past the token's exp the session is this browser's anonymous visitor again.
      const pastExp = await later(601_000, () => boot({ session: visitor.session }));
      assert.equal(pastExp.json().history.identity, 'anonymous');
      assert.ok(!textsOf(pastExp.json().history).includes('verified only'));
      // Past the credential's own lifetime it is nothing at all.
      const dead = await later(SESSION_LIFETIME_MS, () => boot({ session: visitor.session }));
      assert.equal(dead.statusCode, 200, dead.body);
      assert.equal(dead.json().history, undefined);
    });

    it('an oversized body is 413 payload_too_large, before anything else is looked at', async () => {
      const padding = 'x'.repeat(16 * 1024);
      for (const payload of [
        JSON.stringify({
          orgId: bot.orgId,
          botId: bot.botId,
          start: true,
          user: { name: padding },
        }),
        `{"orgId":"${padding}`, // oversized and malformed: the size is refused first
        JSON.stringify({ orgId: 'org_nope', botId: 'bot_nope', token: 'y'.repeat(1024 * 1024) }),
      ]) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/widget/bootstrap',
          headers: { 'content-type': 'text/plain;charset=UTF-8' },
          payload,
        });
        assert.equal(res.statusCode, 413);
        assert.deepEqual(res.json(), errorBody('payload_too_large'));
      }
    });

    it('U+0000 anywhere in the body is 400 invalid_character; malformed JSON 400 invalid_json', async () => {
      const visitor = new WidgetClient(t.app, bot);
      await visitor.startAnonymous();
      for (const body of [
        { start: true, user: { name: 'Eve\u0000' } },
        { token: `${visitor.token('nul-user')}\u0000` },
        { session: `${visitor.session}\u0000` },
        { orgId: `${bot.orgId}\u0000`, start: true },
        { start: true, '\u0000': 1 },
      ]) {
        const res = await boot(body);
        assert.equal(res.statusCode, 400, JSON.stringify(body));
        assert.deepEqual(res.json(), errorBody('invalid_character'));
        assert.ok(!res.body.includes('hws_'), 'no session minted');
      }
      const raw = (payload: string) =>
        t.app.inject({
          method: 'POST',
          url: '/api/widget/bootstrap',
          headers: { 'content-type': 'text/plain;charset=UTF-8' },
          payload,
        });
      for (const payload of [
        '',
        `{"orgId":"${bot.orgId}",`,
        `{"orgId":"${bot.orgId}","botId":"${bot.botId}"}trailing`,
        // A raw NUL byte, not the JSON escape: JSON allows no control character in a string.
        `{"orgId":"${bot.orgId}\u0000","botId":"${bot.botId}"}`,
        "{'orgId':'single quotes'}",
      ]) {
        const res = await raw(payload);
        assert.equal(res.statusCode, 400, payload);
        assert.deepEqual(res.json(), errorBody('invalid_json'), payload);
      }
      for (const payload of ['null', '[]', '"text"', `{"orgId":"${bot.orgId}"}`]) {
        const res = await raw(payload);
        assert.equal(res.statusCode, 400, payload);
        assert.deepEqual(res.json(), errorBody('invalid_request'), payload);
      }
    });
  });
}

describe('POST /api/chat/events: the stream as a simple request', () => {
  let t: TestApp;
  let bot: SeededBot;
  let baseUrl: string;
  // The server's clock runs this far ahead while a test looks at expiry.
  let offset = 0;
  before(async () => {
    ({ t, bot, baseUrl } = await serveSeededBot({ now: () => Date.now() + offset }));
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

  // Attack review: what each kind of dead, foreign or hostile credential and body gets.

  const refused = async (res: Response, status: number, code: ErrorCode) => {
    assert.equal(res.status, status);
    assert.deepEqual(await res.json(), errorBody(code));
  };

  it('a revoked, expired, tampered or foreign-sealed credential is 401 unauthorized', async () => {
    const visitor = new WidgetClient(t.app, bot);
    await visitor.startAnonymous();
    const session = visitor.session ?? '';
    const live = await openSimpleStream(baseUrl, { session });
    live.close();

    offset = SESSION_LIFETIME_MS;
    try {
      await refused(await open({ session }), 401, 'unauthorized');
    } finally {
      offset = 0;
    }
    const flipped = `${session.slice(0, 20)}${session[20] === 'A' ? 'B' : 'A'}${session.slice(21)}`;
    await refused(await open({ session: flipped }), 401, 'unauthorized');
    // Sealed by another deployment (another master key) for this very bot.
    const elsewhere = createWidgetSessions(t.services.db, Buffer.alloc(32, 7)).issue(
      {
        organizationId: bot.orgId,
        chatbotId: bot.botId,
        visitorId: 'vis_x',
        identity: 'anonymous',
      },
      Date.now(),
    );
    await refused(await open({ session: elsewhere.credential }), 401, 'unauthorized');

    await logout(t.app, visitor);
    await refused(await open({ session }), 401, 'unauthorized');
  });

  it('a verified session past its token’s exp streams as anonymous, without the verified conversation', async () => {
    const visitor = new WidgetClient(t.app, bot);
    assert.equal((await visitor.verify(visitor.token('stream-exp-user'))).statusCode, 200);
    await visitor.sendAndAwaitReply('verified one');
    await visitor.sendAndAwaitReply('verified two');
    offset = 601_000;
    try {
      // Resuming after seq 1 would replay the verified conversation, were it this caller's.
      const stream = await openSimpleStream(baseUrl, {
        session: visitor.session ?? '',
        identity: 'verified',
        lastEventId: '1',
      });
      assert.equal(stream.headers.get('x-hilal-identity-source'), 'anonymous');
      visitor.belief = 'anonymous';
      assert.equal((await visitor.send('after exp')).statusCode, 200);
      await stream.waitFor(messageWith('after exp'));
      stream.close();
      const texts = stream.events
        .filter((event) => event.event === 'message')
        .map((event) => JSON.parse(event.data).text);
      assert.ok(!texts.some((text) => text.startsWith('verified')), texts.join(', '));
      await t.app.replies.drain();
    } finally {
      offset = 0;
    }
  });

  it("a session of another organization's bot streams that bot's conversation only", async () => {
    const other = await seedBot(t.services);
    const theirs = new WidgetClient(t.app, other);
    await theirs.startAnonymous();
    const ours = new WidgetClient(t.app, bot);
    await ours.startAnonymous();
    const stream = await openSimpleStream(baseUrl, { session: theirs.session ?? '' });
    // Ours is sent first: were the stream ours too, it would arrive before theirs.
    assert.equal((await ours.send('ours, private')).statusCode, 200);
    assert.equal((await theirs.send('theirs')).statusCode, 200);
    await stream.waitFor(messageWith('theirs'));
    stream.close();
    assert.equal(stream.events.filter(messageWith('ours, private')).length, 0);
    await t.app.replies.drain();
  });

  it('an oversized body is 413 payload_too_large; U+0000 400 invalid_character; bad JSON 400', async () => {
    const visitor = new WidgetClient(t.app, bot);
    await visitor.startAnonymous();
    const session = visitor.session ?? '';
    const post = (body: string) =>
      fetch(`${baseUrl}/api/chat/events`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain;charset=UTF-8' },
        body,
      });
    await refused(
      await post(JSON.stringify({ session, lastEventId: 'x'.repeat(4 * 1024) })),
      413,
      'payload_too_large',
    );
    await refused(await post(`{"session":"${'x'.repeat(1024 * 1024)}`), 413, 'payload_too_large');
    for (const body of [
      { session: `${session}\u0000` },
      { session, identity: 'verified\u0000' },
      { session, lastEventId: '1\u0000' },
    ]) {
      await refused(await post(JSON.stringify(body)), 400, 'invalid_character');
    }
    await refused(await post(`{"session":"${session}"`), 400, 'invalid_json');
    await refused(await post(''), 400, 'invalid_json');
    await refused(await post('{"session":42}'), 400, 'invalid_request');
    await refused(
      await post(JSON.stringify({ session, identity: 'admin' })),
      400,
      'invalid_request',
    );
  });
});

// A bound on the whole: a stream that never ends would otherwise hang the run instead of failing it.
describe('bootstrap and the simple stream across instances: one PostgreSQL database and Redis', {
  timeout: 60_000,
}, () => {
  let two: TwoInstances;
  let bot: SeededBot;
  before(async () => {
    two = await startTwoInstances();
    bot = await seedBot(two.a.services);
  });
  after(() => two.close());

  const bootOn = (url: string, body: object) =>
    fetch(`${url}/api/widget/bootstrap`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      body: JSON.stringify({ orgId: bot.orgId, botId: bot.botId, ...body }),
    });

  it('a session started on A loads, streams and signs in on B; its logout on A holds on B', async () => {
    const started = await bootOn(two.a.url, { start: true });
    assert.equal(started.status, 200);
    const onA = new WidgetClient(two.a.app, bot);
    onA.session = ((await started.json()) as { started: { session: string } }).started.session;
    await onA.sendAndAwaitReply('sent through A');

    const loaded = await bootOn(two.b.url, { session: onA.session });
    assert.equal(loaded.status, 200);
    const { history } = (await loaded.json()) as { history: { messages: Array<{ text: string }> } };
    assert.ok(textsOf(history).includes('sent through A'));

    const stream = await openSimpleStream(two.b.url, { session: onA.session });
    assert.equal((await onA.send('live through A')).statusCode, 200);
    await stream.waitFor(messageWith('live through A'));

    // Signing in on B carries A's conversation over, as on one instance.
    const signedIn = await bootOn(two.b.url, {
      token: onA.token('two-instance-user'),
      session: onA.session,
    });
    const verified = (await signedIn.json()) as {
      verified: { verified: boolean; session: string };
      history: { messages: Array<{ text: string }> };
    };
    assert.equal(verified.verified.verified, true);
    assert.ok(textsOf(verified.history).includes('sent through A'));

    await logout(two.a.app, onA);
    const ended = await stream.waitFor((event) => event.event === 'session_ended');
    assert.deepEqual(JSON.parse(ended.data), { reason: 'logout' });
    await stream.ended;
    await two.a.app.replies.drain();

    // On B the replayed credentials, the anonymous one and the one minted from it, are dead.
    for (const session of [onA.session, verified.verified.session]) {
      const reloaded = await bootOn(two.b.url, { session });
      assert.equal(reloaded.status, 200);
      assert.equal(((await reloaded.json()) as { history?: unknown }).history, undefined);
      const reopened = await fetch(`${two.b.url}/api/chat/events`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain;charset=UTF-8' },
        body: JSON.stringify({ session }),
      });
      assert.equal(reopened.status, 401);
      assert.deepEqual(await reopened.json(), errorBody('unauthorized'));
    }
  });
});
