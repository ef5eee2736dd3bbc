import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
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

    it('counts several keys in one call, up to the first whose window is full', async () => {
      const t0 = 1_500_000;
      const hit = (keys: string[], at: number) => store.hitWindows(keys, at, 60_000, 3);
      assert.deepEqual(await hit(['x', 'y'], t0), [
        { count: 1, oldestMs: t0 },
        { count: 1, oldestMs: t0 },
      ]);
      await store.hitWindow('x', t0 + 1, 60_000, 3);
      // `x` is full (3 of `keep` 3): the hit is counted there, and `y` is left alone.
      assert.deepEqual(await hit(['x', 'y'], t0 + 2), [{ count: 3, oldestMs: t0 }]);
      assert.deepEqual(await store.peekWindow('y', t0 + 3, 60_000), { count: 1, oldestMs: t0 });
      assert.deepEqual(await hit(['z', 'x'], t0 + 4), [
        { count: 1, oldestMs: t0 + 4 },
        { count: 3, oldestMs: t0 + 1 },
      ]);
      assert.deepEqual(await hit([], t0 + 5), []);
    });

    it('peeks at a window without counting', async () => {
      const t0 = 2_000_000;
      assert.deepEqual(await store.peekWindow('p', t0, 60_000), { count: 0, oldestMs: t0 });
      await store.hitWindow('p', t0, 60_000, 100);
      await store.hitWindow('p', t0 + 1_000, 60_000, 100);
      for (let i = 0; i < 3; i += 1) {
        assert.deepEqual(await store.peekWindow('p', t0 + 2_000, 60_000), {
          count: 2,
          oldestMs: t0,
        });
      }
      assert.deepEqual(await store.hitWindow('p', t0 + 3_000, 60_000, 100), {
        count: 3,
        oldestMs: t0,
      });
      // The window slides for a peek as it does for a hit: (now - window, now].
      assert.deepEqual(await store.peekWindow('p', t0 + 60_000, 60_000), {
        count: 2,
        oldestMs: t0 + 1_000,
      });
      assert.deepEqual(await store.peekWindow('p', t0 + 63_000, 60_000), {
        count: 0,
        oldestMs: t0 + 63_000,
      });
    });

    it('grants leases up to the cap and refuses the next', async () => {
      const t0 = 3_000_000;
      assert.equal(await store.acquireLease('l1', 'a', 2, t0, 60_000), true);
      assert.equal(await store.acquireLease('l1', 'b', 2, t0, 60_000), true);
      assert.equal(await store.acquireLease('l1', 'c', 2, t0, 60_000), false);
      assert.equal(await store.acquireLease('l2', 'c', 2, t0, 60_000), true, 'keys are separate');
    });

    it('renews a lease it already holds, even when the cap is reached', async () => {
      const t0 = 4_000_000;
      assert.equal(await store.acquireLease('l3', 'a', 2, t0, 60_000), true);
      assert.equal(await store.acquireLease('l3', 'b', 2, t0, 60_000), true);
      assert.equal(await store.acquireLease('l3', 'a', 2, t0 + 50_000, 60_000), true);
      // Renewed at t0 + 50 s, `a` outlives `b` (taken at t0): at t0 + 70 s only `a` is held.
      assert.equal(await store.acquireLease('l3', 'c', 2, t0 + 70_000, 60_000), true);
      assert.equal(await store.acquireLease('l3', 'd', 2, t0 + 70_000, 60_000), false);
    });

    it('frees one place when a lease is released', async () => {
      const t0 = 5_000_000;
      assert.equal(await store.acquireLease('l4', 'a', 2, t0, 60_000), true);
      assert.equal(await store.acquireLease('l4', 'b', 2, t0, 60_000), true);
      await store.releaseLease('l4', 'a');
      await store.releaseLease('l4', 'never-taken');
      await store.releaseLease('no-such-key', 'a');
      assert.equal(await store.acquireLease('l4', 'c', 2, t0, 60_000), true);
      assert.equal(await store.acquireLease('l4', 'd', 2, t0, 60_000), false);
    });

    it('lets an expired lease free itself', async () => {
      const t0 = 6_000_000;
      assert.equal(await store.acquireLease('l5', 'crashed', 1, t0, 30_000), true);
      assert.equal(await store.acquireLease('l5', 'next', 1, t0 + 29_999, 30_000), false);
      assert.equal(await store.acquireLease('l5', 'next', 1, t0 + 30_000, 30_000), true);
      assert.equal(await store.acquireLease('l5', 'crashed', 1, t0 + 30_000, 30_000), false);
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

describe('Store (redis): keys expire, so nothing leaks', () => {
  const prefix = `hilal-test:${randomBytes(6).toString('hex')}:`;
  let store: Store;
  let raw: Redis;
  before(async () => {
    store = await createRedisStore(REDIS_URL, prefix);
    raw = new Redis(REDIS_URL);
  });
  after(async () => {
    await store.close();
    await raw.quit();
  });

  it('expires a window with its window, and a lease key with its last lease', async () => {
    await store.hitWindow('w', 1_000_000, 60_000, 10);
    await store.peekWindow('w', 1_000_000, 60_000);
    const windowTtl = await raw.pttl(`${prefix}window:w`);
    assert.ok(windowTtl > 0 && windowTtl <= 60_000, String(windowTtl));

    await store.acquireLease('k', 'long', 5, 1_000_000, 90_000);
    await store.acquireLease('k', 'short', 5, 1_000_000, 10_000);
    const leaseTtl = await raw.pttl(`${prefix}lease:k`);
    assert.ok(leaseTtl > 10_000 && leaseTtl <= 90_000, String(leaseTtl));

    await store.releaseLease('k', 'long');
    await store.releaseLease('k', 'short');
    assert.equal(await raw.exists(`${prefix}lease:k`), 0);
  });
});
