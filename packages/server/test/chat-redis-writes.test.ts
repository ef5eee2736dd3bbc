import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { MESSAGES_PER_MINUTE } from '../src/chat/chat-service.js';
import { createRedisStore } from '../src/store/redis-store.js';
import {
  type RedisRecorder,
  type RedisWrite,
  startRedisRecorder,
} from './support/redis-recorder.js';
import { seedBot, startTestApp, type TestApp } from './support/test-app.js';
import { TEST_REDIS_URL } from './support/two-instances.js';
import { WidgetClient } from './support/widget-client.js';

/** A write as words: `eval 2` (a script over 2 keys), `publish chat:contact message`, … */
function describeWrite(write: RedisWrite, prefix: string): string[] {
  return write.map(([name = '', ...args]) => {
    const command = name.toLowerCase();
    if (command === 'eval') return `eval ${args[1]}`;
    if (command !== 'publish') return command;
    const channel = (args[0] ?? '').slice(prefix.length).split(':').slice(0, 2).join(':');
    const event = JSON.parse(args[1] ?? '{}');
    const what = event.type === 'typing' ? `typing ${event.typing}` : event.type;
    return what === undefined ? `publish ${channel}` : `publish ${channel} ${what}`;
  });
}

// What a verified visitor's message costs in Redis, from its request until the bot's reply is
// stored: each row one write of the app's connection, hence one round trip it waits for.
const MESSAGE = [
  // The per-minute limit of both of the visitor's keys (its family and its `sub`), one script.
  ['eval 2'],
  // The visitor's message, the inbox's activity, the bot's typing and its reply's text (the
  // built-in responder's one delta), issued together.
  [
    'publish chat:contact message',
    'publish inbox:org',
    'publish chat:contact typing true',
    'publish chat:contact delta',
  ],
  // The bot's message, the inbox's activity and the end of typing, issued together.
  ['publish chat:contact message', 'publish inbox:org', 'publish chat:contact typing false'],
];

describe('the Redis round trips of a widget message (postgres, Redis)', () => {
  const prefix = `hilal-test:${randomBytes(6).toString('hex')}:`;
  let recorder: RedisRecorder;
  let t: TestApp;
  let widget: WidgetClient;

  before(async () => {
    recorder = await startRedisRecorder(TEST_REDIS_URL);
    t = await startTestApp('postgres', {}, { store: await createRedisStore(recorder.url, prefix) });
    widget = new WidgetClient(t.app, await seedBot(t.services));
    assert.equal((await widget.verify(widget.token('user-1', { name: 'Ann' }))).statusCode, 200);
    // The first message opens the conversation.
    assert.equal((await widget.send('hello')).statusCode, 200);
    await t.app.replies.drain();
  });
  after(async () => {
    await t?.close();
    await recorder?.close();
  });

  it(`a message is ${MESSAGE.length} writes: the limit of every key in one, the events in two`, async () => {
    const writes = await recorder.record(async () => {
      const res = await widget.send('thanks');
      assert.equal(res.statusCode, 200, res.body);
      await t.app.replies.drain();
    });
    assert.deepEqual(
      writes.map((write) => describeWrite(write, prefix)),
      MESSAGE,
    );
  });

  it('a message past the limit is one write, and refused with its Retry-After', async () => {
    for (let i = 0; i < MESSAGES_PER_MINUTE - 2; i += 1) {
      assert.equal((await widget.send(`m${i}`)).statusCode, 200);
    }
    await t.app.replies.drain();
    let status = 0;
    let retryAfter: unknown;
    const writes = await recorder.record(async () => {
      const res = await widget.send('one too many');
      status = res.statusCode;
      retryAfter = res.headers['retry-after'];
      assert.equal(res.json().error, 'rate_limited');
    });
    assert.equal(status, 429);
    assert.ok(Number(retryAfter) >= 1 && Number(retryAfter) <= 60, String(retryAfter));
    assert.deepEqual(
      writes.map((write) => describeWrite(write, prefix)),
      [['eval 2']],
    );
  });
});
