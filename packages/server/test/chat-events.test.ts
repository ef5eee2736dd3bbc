import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../src/app.js';
import { openServices } from '../src/services.js';
import { createRedisStore } from '../src/store/redis-store.js';
import { createTestEnvironment } from './support/databases.js';
import { openStream, type SseEvent } from './support/sse.js';
import { type SeededBot, seedBot, serveSeededBot, type TestApp } from './support/test-app.js';
import { WidgetClient } from './support/widget-client.js';

const isBotMessage = (event: SseEvent) =>
  event.event === 'message' && JSON.parse(event.data).author === 'bot';

describe('live events (Server-Sent Events)', () => {
  let t: TestApp;
  let bot: SeededBot;
  let baseUrl: string;

  before(async () => {
    ({ t, bot, baseUrl } = await serveSeededBot());
  });
  after(() => t.close());

  it("carries the visitor's message, typing, the streamed reply and the bot's message", async () => {
    const visitor = new WidgetClient(t.app, bot);
    await visitor.verify(visitor.token('sse-user', { name: 'Nour' }));
    const stream = await openStream(baseUrl, visitor.session ?? '');
    await visitor.send('hello');
    const botMessage = await stream.waitFor(isBotMessage);
    stream.close();
    const kinds = stream.events.map((event) => event.event);
    assert.ok(
      kinds.indexOf('message') < kinds.indexOf('typing'),
      'the visitor message comes first',
    );
    const deltas = stream.events
      .filter((event) => event.event === 'delta')
      .map((event) => JSON.parse(event.data));
    const message = JSON.parse(botMessage.data);
    assert.ok(deltas.length > 0);
    assert.ok(deltas.every((delta) => delta.replyId === message.id));
    assert.equal(deltas.map((delta) => delta.text).join(''), message.text);
    assert.match(message.text, /Nour/);
    assert.equal(botMessage.id, String(message.seq));
  });

  it('replays what was missed after Last-Event-ID, without repeating what was seen', async () => {
    const visitor = new WidgetClient(t.app, bot);
    await visitor.startAnonymous();
    const first = (await visitor.send('first')).json().message;
    await t.app.replies.drain();
    await visitor.send('second');
    await t.app.replies.drain();
    const stream = await openStream(baseUrl, visitor.session ?? '', first.seq);
    const replayed = await stream.waitFor(
      (event) => event.event === 'message' && JSON.parse(event.data).text === 'second',
    );
    stream.close();
    const texts = stream.events
      .filter((event) => event.event === 'message')
      .map((event) => JSON.parse(event.data).text);
    assert.ok(!texts.includes('first'));
    assert.equal(texts.filter((text) => text === 'second').length, 1);
    assert.ok(Number(replayed.id) > first.seq);
  });

  it('refuses a stream without a session', async () => {
    const res = await fetch(`${baseUrl}/api/chat/events`);
    assert.equal(res.status, 401);
  });
});

describe('live events across instances: two apps on one PostgreSQL database and Redis', () => {
  it('a message sent through one instance reaches a stream opened on the other', async () => {
    const env = await createTestEnvironment('postgres');
    const prefix = `hilal-test:${randomBytes(6).toString('hex')}:`;
    const config = env.config({ HILAL_MASTER_KEY: 'cd'.repeat(32) });
    const open = async () => {
      const services = await openServices(config, {
        flushIntervalMs: 0,
        store: await createRedisStore('redis://127.0.0.1:6379', prefix),
      });
      const app = await buildApp(services);
      return { services, app, url: await app.listen({ port: 0, host: '127.0.0.1' }) };
    };
    const a = await open();
    const b = await open();
    try {
      const bot = await seedBot(a.services);
      const onA = new WidgetClient(a.app, bot);
      await onA.verify(onA.token('multi-instance', { name: 'Omar' }));
      const onB = new WidgetClient(b.app, bot);
      await onB.verify(onB.token('multi-instance', { name: 'Omar' }));
      const stream = await openStream(b.url, onB.session ?? '');
      await onA.send('sent through instance A');
      const seen = await stream.waitFor(
        (event) =>
          event.event === 'message' && JSON.parse(event.data).text === 'sent through instance A',
      );
      await stream.waitFor((event) => event.event === 'typing' && !JSON.parse(event.data).typing);
      stream.close();
      assert.equal(JSON.parse(seen.data).identitySource, 'verified');
      // Through Redis too, in the documented order (docs/widget-api.md).
      const order = stream.events
        .filter((event) => event.event !== 'delta')
        .map((event) => {
          const data = JSON.parse(event.data);
          return event.event === 'typing'
            ? `typing ${data.typing}`
            : `${event.event} ${data.author}`;
        });
      assert.deepEqual(order, ['message visitor', 'typing true', 'message bot', 'typing false']);
    } finally {
      for (const instance of [a, b]) {
        await instance.app.close();
        await instance.services.close();
      }
      await env.cleanup();
    }
  });
});
