import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../src/app.js';
import { openServices } from '../src/services.js';
import { createRedisStore } from '../src/store/redis-store.js';
import { createTestEnvironment } from './support/databases.js';
import { type SeededBot, seedBot, startTestApp, type TestApp } from './support/test-app.js';
import { WidgetClient } from './support/widget-client.js';

interface SseEvent {
  event: string;
  id?: string;
  data: string;
}

/** Opens the live stream as the widget does (fetch, credential in a header) and collects events. */
async function openStream(baseUrl: string, session: string, lastEventId?: number) {
  const controller = new AbortController();
  const res = await fetch(`${baseUrl}/api/chat/events`, {
    headers: {
      authorization: `Bearer ${session}`,
      accept: 'text/event-stream',
      ...(lastEventId ? { 'last-event-id': String(lastEventId) } : {}),
    },
    signal: controller.signal,
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
  const events: SseEvent[] = [];
  const waiters: Array<() => void> = [];
  const reader = res.body?.getReader();
  assert.ok(reader);
  const decoder = new TextDecoder();
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event: SseEvent = { event: 'message', data: '' };
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event.event = line.slice(7);
            else if (line.startsWith('id: ')) event.id = line.slice(4);
            else if (line.startsWith('data: ')) event.data += line.slice(6);
          }
          if (event.data !== '') events.push(event);
          for (const wake of waiters.splice(0)) wake();
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    events,
    /** Resolves once an event matching `predicate` has arrived. */
    async waitFor(predicate: (event: SseEvent) => boolean): Promise<SseEvent> {
      for (;;) {
        const found = events.find(predicate);
        if (found) return found;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    close: () => controller.abort(),
  };
}

const isBotMessage = (event: SseEvent) =>
  event.event === 'message' && JSON.parse(event.data).author === 'bot';

describe('live events (Server-Sent Events)', () => {
  let t: TestApp;
  let bot: SeededBot;
  let baseUrl: string;

  before(async () => {
    t = await startTestApp('sqlite');
    bot = await seedBot(t.services);
    baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
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
      await stream.waitFor(isBotMessage);
      stream.close();
      assert.equal(JSON.parse(seen.data).identitySource, 'verified');
    } finally {
      for (const instance of [a, b]) {
        await instance.app.close();
        await instance.services.close();
      }
      await env.cleanup();
    }
  });
});
