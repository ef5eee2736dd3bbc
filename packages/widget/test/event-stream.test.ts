import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HttpError } from '../src/api-client.js';
import { createEventStream } from '../src/event-stream.js';
import type { SseEvent } from '../src/sse-parser.js';

/** A 200 response whose body streams the given chunks, then ends (the connection drops). */
const streamOf = (...chunks: string[]) =>
  new Response(
    new ReadableStream({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
        controller.close();
      },
    }),
  );

describe('createEventStream', () => {
  test('reconnects after a drop, sending the last id, and delivers every event once', async () => {
    const asked: Array<string | undefined> = [];
    const events: SseEvent[] = [];
    const statuses: boolean[] = [];
    let last: string | undefined;
    const responses = [
      () =>
        streamOf('event: message\nid: 5\ndata: {"seq":5}\n\n: ping\n\nevent: mess', 'age\nid: 6\n'),
      () => Promise.reject(new TypeError('Failed to fetch')),
      () => streamOf('event: message\nid: 7\ndata: {"seq":7}\n\n'),
    ];
    const sleeps: number[] = [];
    let finish: () => void = () => {};
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const stream = createEventStream({
      connect: async (lastEventId) => {
        asked.push(lastEventId);
        const next = responses.shift();
        if (!next) {
          stream.stop();
          finish();
          throw new TypeError('stopped');
        }
        return next();
      },
      lastEventId: () => last,
      onEvent: (event) => {
        events.push(event);
        last = event.id;
      },
      onStatus: (connected) => statuses.push(connected),
      onUnauthorized: () => assert.fail('not unauthorized'),
      onRefused: () => assert.fail('not refused'),
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0,
    });
    stream.start();
    await finished;
    assert.deepEqual(asked, [undefined, '5', '5', '7']);
    // The event cut off by the drop (id 6, no blank line) is not dispatched half-read.
    assert.deepEqual(
      events.map((e) => e.data),
      ['{"seq":5}', '{"seq":7}'],
    );
    // Backoff restarts after a connection that delivered data.
    assert.deepEqual(sleeps, [500, 1000, 500]);
    assert.deepEqual(statuses, [true, false, false, true, false, false]);
  });

  test('a 401 stops the stream and reports it', async () => {
    let connects = 0;
    let unauthorized = 0;
    const stream = createEventStream({
      connect: async () => {
        connects++;
        throw new HttpError(401, 'unauthorized', undefined);
      },
      lastEventId: () => undefined,
      onEvent: () => {},
      onStatus: () => {},
      onUnauthorized: () => unauthorized++,
      onRefused: () => assert.fail('not refused'),
      sleep: async () => {},
    });
    stream.start();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(connects, 1);
    assert.equal(unauthorized, 1);
  });

  test('a 403 (identity_required) stops the stream and reports its code, without retrying', async () => {
    let connects = 0;
    const refused: Array<string | undefined> = [];
    const stream = createEventStream({
      connect: async () => {
        connects++;
        throw new HttpError(403, 'identity_required', undefined);
      },
      lastEventId: () => undefined,
      onEvent: () => {},
      onStatus: () => {},
      onUnauthorized: () => assert.fail('not unauthorized'),
      onRefused: (code) => refused.push(code),
      // A retry would come after a sleep: stop there, so that a stream that retries fails fast.
      sleep: async () => stream.stop(),
    });
    stream.start();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(connects, 1);
    assert.deepEqual(refused, ['identity_required']);
  });

  test('a silent connection is dropped after the idle timeout and reopened', async () => {
    const asked: number[] = [];
    let finish: () => void = () => {};
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const stream = createEventStream({
      connect: async (_id, signal) => {
        asked.push(asked.length);
        if (asked.length === 2) {
          stream.stop();
          finish();
          throw new TypeError('stopped');
        }
        // Never sends a byte; only the abort signal can end it.
        return new Response(
          new ReadableStream({
            start(controller) {
              signal.addEventListener('abort', () => controller.error(signal.reason));
            },
          }),
        );
      },
      lastEventId: () => undefined,
      onEvent: () => {},
      onStatus: () => {},
      onUnauthorized: () => {},
      onRefused: () => {},
      sleep: async () => {},
      idleTimeoutMs: 5,
    });
    stream.start();
    await finished;
    assert.deepEqual(asked, [0, 1]);
  });
});
