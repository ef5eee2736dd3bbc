import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { MESSAGES_PER_MINUTE } from '../src/chat/chat-service.js';
import { signHs256 } from '../src/identity/sign-hs256.js';
import { DIALECTS } from './support/databases.js';
import { openStream } from './support/sse.js';
import { type SeededBot, seedBot, startTestApp, type TestApp } from './support/test-app.js';
import { startTwoInstances } from './support/two-instances.js';
import { WidgetClient } from './support/widget-client.js';

// Regressions (attack review, weaknesses 3, 4 and 10): the chat limit counted per session id, so a
// session minted from a limited one posted again at once; 1,000 concurrent streams on one session
// were all accepted; logout ended one session of a family, and one minted from it still read the
// history.

const MAX_STREAMS = 10;

/** A second session minted from `from` (its credential as Bearer), as a misbehaving client would. */
async function mintFrom(app: FastifyInstance, bot: SeededBot, from: WidgetClient) {
  const child = new WidgetClient(app, bot);
  child.session = from.session;
  await child.startAnonymous();
  assert.notEqual(child.session, from.session);
  return child;
}

async function streamStatus(url: string, session: string): Promise<Response> {
  const res = await fetch(`${url}/api/chat/events`, {
    headers: { authorization: `Bearer ${session}` },
  });
  if (res.status === 200) await res.body?.cancel();
  return res;
}

for (const dialect of DIALECTS) {
  describe(`limits count per visitor, not per session id (${dialect})`, () => {
    let t: TestApp;
    let url: string;
    let clock = Date.now();

    before(async () => {
      t = await startTestApp(dialect, {}, { now: () => clock });
      url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    });
    after(() => t.close());

    it('a limited message stores nothing, though its conversation is read meanwhile', async () => {
      const bot = await seedBot(t.services);
      const visitor = new WidgetClient(t.app, bot);
      await visitor.startAnonymous();
      for (let i = 0; i < MESSAGES_PER_MINUTE; i += 1) {
        assert.equal((await visitor.send(`m${i}`)).statusCode, 200);
      }
      assert.equal((await visitor.send('one too many')).statusCode, 429);
      await t.app.replies.drain();
      const history = (await visitor.history()).json() as { messages: Array<{ text: string }> };
      const texts = history.messages.map((message) => message.text);
      assert.ok(!texts.includes('one too many'));
      assert.equal(texts.filter((text) => /^m\d+$/.test(text)).length, MESSAGES_PER_MINUTE);
      clock += 60_000;
    });

    it('a session minted from a rate-limited one is limited too', async () => {
      const bot = await seedBot(t.services);
      const visitor = new WidgetClient(t.app, bot);
      await visitor.startAnonymous();
      for (let i = 0; i < MESSAGES_PER_MINUTE; i += 1) {
        assert.equal((await visitor.send(`m${i}`)).statusCode, 200);
      }
      assert.equal((await visitor.send('one too many')).statusCode, 429);

      const minted = await mintFrom(t.app, bot, visitor);
      const res = await minted.send('through a fresh session id');
      assert.equal(res.statusCode, 429);
      assert.equal(res.json().error, 'rate_limited');
      assert.ok(Number(res.headers['retry-after']) >= 1);

      // A verified session minted from it belongs to the same visitor as well.
      const token = signHs256(bot.secret ?? '', { sub: 'u1', exp: Math.floor(clock / 1000) + 600 });
      assert.equal((await minted.verify(token)).statusCode, 200);
      assert.equal((await minted.send('now verified')).statusCode, 429);

      clock += 60_000;
      assert.equal((await minted.send('a minute later')).statusCode, 200);
      await t.app.replies.drain();
    });

    it('a verified user is limited across fresh sessions made from new tokens', async () => {
      const bot = await seedBot(t.services);
      const token = () =>
        signHs256(bot.secret ?? '', { sub: 'busy', exp: Math.floor(clock / 1000) + 600 });
      const first = new WidgetClient(t.app, bot);
      await first.verify(token());
      for (let i = 0; i < MESSAGES_PER_MINUTE; i += 1) {
        assert.equal((await first.send(`m${i}`)).statusCode, 200);
      }
      const second = new WidgetClient(t.app, bot);
      await second.verify(token());
      assert.equal((await second.send('from a second device')).statusCode, 429);
      await t.app.replies.drain();
    });

    it(`caps live streams at ${MAX_STREAMS} per visitor, across the family`, async () => {
      const bot = await seedBot(t.services);
      const visitor = new WidgetClient(t.app, bot);
      await visitor.startAnonymous();
      const streams: Array<Awaited<ReturnType<typeof openStream>>> = [];
      for (let i = 0; i < MAX_STREAMS; i += 1)
        streams.push(await openStream(url, visitor.session ?? ''));

      const refused = await streamStatus(url, visitor.session ?? '');
      assert.equal(refused.status, 429);
      assert.equal(((await refused.json()) as { error: string }).error, 'too_many_streams');
      assert.ok(Number(refused.headers.get('retry-after')) >= 1);
      const minted = await mintFrom(t.app, bot, visitor);
      assert.equal((await streamStatus(url, minted.session ?? '')).status, 429);

      // Another visitor is not affected.
      const other = new WidgetClient(t.app, bot);
      await other.startAnonymous();
      (await openStream(url, other.session ?? '')).close();

      // Closing one frees its place once the server has seen the close.
      streams.pop()?.close();
      let reopened = false;
      for (let attempt = 0; attempt < 200 && !reopened; attempt += 1) {
        reopened = (await streamStatus(url, visitor.session ?? '')).status === 200;
        if (!reopened) await new Promise((resolve) => setImmediate(resolve));
      }
      assert.ok(reopened, 'a place was freed');
      for (const stream of streams) stream.close();
    });

    it('logout ends every session of the family', async () => {
      const bot = await seedBot(t.services);
      const visitor = new WidgetClient(t.app, bot);
      await visitor.startAnonymous();
      assert.equal((await visitor.send('hello')).statusCode, 200);
      const minted = await mintFrom(t.app, bot, visitor);
      assert.equal((await minted.history()).statusCode, 200);

      const out = await t.app.inject({
        method: 'POST',
        url: '/api/chat/logout',
        headers: visitor.chatHeaders(),
      });
      assert.equal(out.statusCode, 204);
      assert.equal((await minted.history()).statusCode, 401);
      assert.equal((await visitor.history()).statusCode, 401);
      // Minting from an ended session starts a new family, with nothing of the old one.
      const fresh = await mintFrom(t.app, bot, minted);
      const history = await fresh.history();
      assert.equal(history.statusCode, 200);
      assert.deepEqual(history.json().messages, []);
      await t.app.replies.drain();
    });
  });
}

describe('limits per visitor hold across instances (PostgreSQL + Redis)', () => {
  let both: Awaited<ReturnType<typeof startTwoInstances>>;
  before(async () => {
    both = await startTwoInstances();
  });
  after(() => both.close());

  it('the chat limit reached on A holds for a minted session on B', async () => {
    const bot = await seedBot(both.a.services);
    const onA = new WidgetClient(both.a.app, bot);
    await onA.startAnonymous();
    for (let i = 0; i < MESSAGES_PER_MINUTE; i += 1) {
      assert.equal((await onA.send(`m${i}`)).statusCode, 200);
    }
    const onB = await mintFrom(both.b.app, bot, onA);
    assert.equal((await onB.send('on the other instance')).statusCode, 429);
    await both.a.app.replies.drain();
  });

  it('a verified user limited on A is limited on B in a fresh session, with its Retry-After', async () => {
    const bot = await seedBot(both.a.services);
    const token = () =>
      signHs256(bot.secret ?? '', { sub: 'busy', exp: Math.floor(Date.now() / 1000) + 600 });
    const onA = new WidgetClient(both.a.app, bot);
    await onA.verify(token());
    for (let i = 0; i < MESSAGES_PER_MINUTE; i += 1) {
      assert.equal((await onA.send(`m${i}`)).statusCode, 200);
    }
    // Another family: only the user's key is past the limit.
    const onB = new WidgetClient(both.b.app, bot);
    await onB.verify(token());
    const res = await onB.send('from a second device');
    assert.equal(res.statusCode, 429);
    assert.equal(res.json().error, 'rate_limited');
    const retryAfter = Number(res.headers['retry-after']);
    assert.ok(retryAfter >= 1 && retryAfter <= 60, String(retryAfter));
    await both.a.app.replies.drain();
    await both.b.app.replies.drain();
  });

  it('the stream cap counts streams on both instances', async () => {
    const bot = await seedBot(both.a.services);
    const visitor = new WidgetClient(both.a.app, bot);
    await visitor.startAnonymous();
    const streams: Array<Awaited<ReturnType<typeof openStream>>> = [];
    for (let i = 0; i < MAX_STREAMS; i += 1) {
      const instance = i % 2 === 0 ? both.a : both.b;
      streams.push(await openStream(instance.url, visitor.session ?? ''));
    }
    assert.equal((await streamStatus(both.b.url, visitor.session ?? '')).status, 429);
    assert.equal((await streamStatus(both.a.url, visitor.session ?? '')).status, 429);
    for (const stream of streams) stream.close();
  });

  it('logout on A ends a minted session on B', async () => {
    const bot = await seedBot(both.a.services);
    const onA = new WidgetClient(both.a.app, bot);
    await onA.startAnonymous();
    const onB = await mintFrom(both.b.app, bot, onA);
    assert.equal((await onB.history()).statusCode, 200);
    const out = await both.a.app.inject({
      method: 'POST',
      url: '/api/chat/logout',
      headers: onA.chatHeaders(),
    });
    assert.equal(out.statusCode, 204);
    assert.equal((await onB.history()).statusCode, 401);
  });
});
