import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HttpError } from '../src/api-client.js';
import { Outbox, type OutboxEntry, type OutboxOptions, parseOutbox } from '../src/outbox.js';
import { createStorage, type WidgetStorage } from '../src/storage.js';
import type { Message } from '../src/wire.js';

const entry = (id: string): OutboxEntry => ({
  clientMessageId: id,
  text: `text ${id}`,
  createdAt: 1,
});
const stored = (e: OutboxEntry): Message => ({
  id: `msg_${e.clientMessageId}`,
  seq: 1,
  conversationId: 'cnv_1',
  clientMessageId: e.clientMessageId,
  author: 'visitor',
  text: e.text,
  identitySource: 'anonymous',
  createdAt: 1,
});

/** An outbox whose sends follow a script of outcomes; sleeps only record their length. */
function harness(outcomes: Array<'ok' | Error>, overrides: Partial<OutboxOptions> = {}) {
  const log = {
    sends: [] as string[],
    sleeps: [] as number[],
    sent: [] as string[],
    failed: [] as string[],
    saved: [] as string[][],
    renewals: 0,
  };
  let settle: () => void = () => {};
  const idle = () => new Promise<void>((resolve) => (settle = resolve));
  const outbox = new Outbox({
    send: async (e) => {
      log.sends.push(e.clientMessageId);
      const outcome = outcomes.shift() ?? 'ok';
      if (outcome !== 'ok') throw outcome;
      return stored(e);
    },
    renewSession: async () => {
      log.renewals++;
    },
    onSent: (e) => {
      log.sent.push(e.clientMessageId);
      if (outbox.entries().length === 0) settle();
    },
    onFailed: (e) => {
      log.failed.push(e.clientMessageId);
      settle();
    },
    save: (entries) => log.saved.push(entries.map((e) => e.clientMessageId)),
    sleep: async (ms) => {
      log.sleeps.push(ms);
    },
    random: () => 0,
    ...overrides,
  });
  return { outbox, log, idle };
}

const offline = () => new TypeError('Failed to fetch');

/** A Map-backed `Storage`, standing in for the page's localStorage. */
function memoryStorage(): { area: Storage; data: Map<string, string> } {
  const data = new Map<string, string>();
  const area: Storage = {
    get length() {
      return data.size;
    },
    key: (i) => [...data.keys()][i] ?? null,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, String(value)),
    removeItem: (key) => void data.delete(key),
    clear: () => data.clear(),
  };
  return { area, data };
}

/** How chat-widget.ts keeps the outbox: under `outbox`, removed once it is empty. */
const saveLikeTheWidget =
  (store: WidgetStorage) =>
  (entries: readonly OutboxEntry[]): void =>
    entries.length ? store.set('outbox', JSON.stringify(entries)) : store.remove('outbox');

/** What the next page's outbox, over the same storage, would restore and send. */
function nextPage(store: WidgetStorage): string[] {
  const outbox = new Outbox({
    send: async () => assert.fail('nothing is sent here'),
    renewSession: async () => {},
    onSent: () => {},
    onFailed: () => {},
    save: () => {},
    sleep: async () => {},
  });
  outbox.restore(parseOutbox(store.get('outbox')));
  return outbox.entries().map((e) => e.clientMessageId);
}

describe('Outbox', () => {
  test('retries a flaky send with backoff and the same client id', async () => {
    const { outbox, log, idle } = harness([
      offline(),
      new HttpError(503, 'unavailable', undefined),
    ]);
    const done = idle();
    outbox.add(entry('c1'));
    await done;
    assert.deepEqual(log.sends, ['c1', 'c1', 'c1']);
    assert.deepEqual(log.sleeps, [500, 1000]);
    assert.deepEqual(log.sent, ['c1']);
    assert.deepEqual(log.saved, [['c1'], []]);
  });

  test('Retry-After wins over the backoff', async () => {
    const { outbox, log, idle } = harness([new HttpError(429, 'rate_limited', 7000)]);
    const done = idle();
    outbox.add(entry('c1'));
    await done;
    assert.deepEqual(log.sleeps, [7000]);
  });

  test('sends in order, one at a time', async () => {
    const { outbox, log, idle } = harness([offline()]);
    const done = idle();
    outbox.add(entry('c1'));
    outbox.add(entry('c2'));
    await done;
    assert.deepEqual(log.sends, ['c1', 'c1', 'c2']);
    assert.deepEqual(log.sent, ['c1', 'c2']);
  });

  test('gives up after maxAttempts; the retry button sends again under the same id', async () => {
    const { outbox, log, idle } = harness([offline(), offline(), offline()], { maxAttempts: 3 });
    let done = idle();
    outbox.add(entry('c1'));
    await done;
    assert.deepEqual(log.failed, ['c1']);
    assert.deepEqual(log.sent, []);
    assert.ok(outbox.has('c1'), 'a failed message stays in the outbox (and in storage)');
    done = idle();
    outbox.retry('c1');
    await done;
    assert.deepEqual(log.sends, ['c1', 'c1', 'c1', 'c1']);
    assert.deepEqual(log.sent, ['c1']);
  });

  test('a request the server refuses (413) fails at once', async () => {
    const { outbox, log, idle } = harness([new HttpError(413, 'message_too_long', undefined)]);
    const done = idle();
    outbox.add(entry('c1'));
    await done;
    assert.deepEqual(log.sends, ['c1']);
    assert.deepEqual(log.failed, ['c1']);
  });

  test('a refused session (401) is renewed, then the same message is sent again', async () => {
    const { outbox, log, idle } = harness([new HttpError(401, 'unauthorized', undefined)]);
    const done = idle();
    outbox.add(entry('c1'));
    await done;
    assert.equal(log.renewals, 1);
    assert.deepEqual(log.sends, ['c1', 'c1']);
    assert.deepEqual(log.sleeps, []);
  });

  test('a message confirmed by the event stream is not sent again', async () => {
    const sends: string[] = [];
    const outbox: Outbox = new Outbox({
      send: async (e) => {
        sends.push(e.clientMessageId);
        throw offline();
      },
      renewSession: async () => {},
      onSent: () => {},
      onFailed: () => assert.fail('not failed'),
      save: () => {},
      // The stored message arrives on the stream while the send is waiting to be retried.
      sleep: async () => outbox.confirm('c1'),
    });
    outbox.add(entry('c1'));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(sends, ['c1']);
    assert.equal(outbox.has('c1'), false);
  });

  for (const late of ['fails', 'succeeds'] as const) {
    test(`clear abandons a send in flight that then ${late}, and empties storage for the next page`, async () => {
      const storage = memoryStorage();
      const store = createStorage('bot_1', () => storage.area);
      const sends: string[] = [];
      let release: () => void = () => {};
      const outbox = new Outbox({
        send: async (e) => {
          sends.push(e.clientMessageId);
          await new Promise<void>((resolve) => (release = resolve));
          if (late === 'fails') throw offline();
          return stored(e);
        },
        renewSession: async () => {},
        onSent: () => assert.fail('not sent'),
        onFailed: () => assert.fail('not failed'),
        save: saveLikeTheWidget(store),
        sleep: async () => {},
      });
      outbox.add(entry('c1'));
      outbox.add(entry('c2'));
      // What a reload would find before the clear: both, so the check below can fail.
      assert.deepEqual(nextPage(store), ['c1', 'c2']);

      outbox.clear();
      release();
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(sends, ['c1']);
      assert.deepEqual(outbox.entries(), []);
      // Gone from storage itself, not only from this object: the next page loads nothing.
      assert.deepEqual([...storage.data.keys()], []);
      assert.deepEqual(nextPage(store), []);
    });
  }

  test('clear(keep): what waited for the ended identity is never sent; what was typed since is sent once', async () => {
    const storage = memoryStorage();
    const store = createStorage('bot_1', () => storage.area);
    const sends: string[] = [];
    const sent: string[] = [];
    // Like the widget: every send first waits for a session, which a switch of identity holds back.
    let grant: () => void = () => {};
    const session = new Promise<void>((resolve) => (grant = resolve));
    const outbox = new Outbox({
      send: async (e, stale) => {
        await session;
        if (stale()) return undefined;
        sends.push(e.clientMessageId);
        return stored(e);
      },
      renewSession: async () => {},
      onSent: (e) => sent.push(e.clientMessageId),
      onFailed: () => assert.fail('not failed'),
      save: saveLikeTheWidget(store),
      sleep: async () => {},
    });
    outbox.add(entry('verified-secret')); // typed by the verified user, waiting
    outbox.add(entry('typed-during-switch'));
    assert.deepEqual(nextPage(store), ['verified-secret', 'typed-during-switch']);

    outbox.clear((e) => e.clientMessageId === 'typed-during-switch');
    assert.deepEqual(nextPage(store), ['typed-during-switch'], 'gone from storage at once');
    grant();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));

    assert.deepEqual(sends, ['typed-during-switch'], 'sent once, and nothing else');
    assert.deepEqual(sent, ['typed-during-switch']);
    assert.deepEqual(nextPage(store), []);
  });

  test('restored entries are sent on flush', async () => {
    const { outbox, log, idle } = harness([]);
    outbox.restore([entry('c1'), entry('c2'), entry('c1')]);
    const done = idle();
    outbox.flush();
    await done;
    assert.deepEqual(log.sends, ['c1', 'c2']);
  });
});

describe('parseOutbox', () => {
  test('keeps well-formed entries only', () => {
    assert.deepEqual(
      parseOutbox(JSON.stringify([entry('c1'), { clientMessageId: 2 }, null, 'x', entry('c2')])),
      [entry('c1'), entry('c2')],
    );
    assert.deepEqual(parseOutbox(null), []);
    assert.deepEqual(parseOutbox('{'), []);
    assert.deepEqual(parseOutbox('{"a":1}'), []);
  });
});
