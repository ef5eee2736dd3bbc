import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createMemoryStore } from './memory-store.js';
import { createRedisStore } from './redis-store.js';
import type { Store } from './store.js';

const REDIS_URL = process.env.HILAL_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

// One suite, run against both implementations (STYLE: the rate-limit store pattern).
const implementations: Array<[string, () => Promise<Store>]> = [
  ['memory', async () => createMemoryStore()],
  ['redis', () => createRedisStore(REDIS_URL, `hilal-test:${randomBytes(6).toString('hex')}:`)],
];

for (const [name, create] of implementations) {
  describe(`Store (${name})`, () => {
    let store: Store;
    before(async () => {
      store = await create();
    });
    after(() => store.close());

    it('counts hits within the sliding window and reports the oldest', async () => {
      const t0 = 1_000_000;
      assert.deepEqual(await store.hitWindow('a', t0, 60_000, 100), { count: 1, oldestMs: t0 });
      assert.deepEqual(await store.hitWindow('a', t0 + 10_000, 60_000, 100), {
        count: 2,
        oldestMs: t0,
      });
      assert.deepEqual(await store.hitWindow('a', t0 + 60_000, 60_000, 100), {
        count: 2,
        oldestMs: t0 + 10_000,
      });
      assert.deepEqual(await store.hitWindow('b', t0, 60_000, 100), { count: 1, oldestMs: t0 });
    });

    it('remembers at most `keep` hits per key', async () => {
      for (let i = 0; i < 10; i += 1) await store.hitWindow('c', 5_000 + i, 60_000, 4);
      assert.deepEqual(await store.hitWindow('c', 5_010, 60_000, 4), { count: 4, oldestMs: 5_007 });
    });

    it('publishes to every subscriber of a channel, and stops after unsubscribe', async () => {
      const received: string[] = [];
      let wake: () => void = () => {};
      const twoArrived = new Promise<void>((resolve) => {
        wake = resolve;
      });
      const unsubscribe = await store.subscribe('events', (message) => {
        received.push(message);
        if (received.length === 2) wake();
      });
      await store.publish('events', 'one');
      await store.publish('events', 'two');
      await twoArrived;
      await unsubscribe();
      await store.publish('events', 'three');
      // A marker on a second channel: once it has arrived, 'three' would have too.
      let markerArrived: () => void = () => {};
      const marker = new Promise<void>((resolve) => {
        markerArrived = resolve;
      });
      const stopMarker = await store.subscribe('marker', () => markerArrived());
      await store.publish('marker', 'x');
      await marker;
      await stopMarker();
      assert.deepEqual(received, ['one', 'two']);
    });
  });
}
