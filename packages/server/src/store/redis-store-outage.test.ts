import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type PrivateRedis, startPrivateRedis } from '../../test/support/private-redis.js';
import { createRedisStore } from './redis-store.js';
import type { Store } from './store.js';

/** Resolves with the next availability change the store reports. */
function nextChange(changes: boolean[]): Promise<boolean> {
  const seen = changes.length;
  return new Promise((resolve) => {
    const poll = () => {
      if (changes.length > seen) resolve(changes[seen] ?? false);
      else setTimeout(poll, 10);
    };
    poll();
  });
}

describe('Store (redis) while Redis is away (README "Operations")', { timeout: 30_000 }, () => {
  let redis: PrivateRedis;
  let store: Store;
  const changes: boolean[] = [];

  before(async () => {
    redis = await startPrivateRedis();
    store = await createRedisStore(redis.url, 'outage:');
    store.onAvailability((available) => changes.push(available));
  });
  after(async () => {
    await store?.close();
    await redis?.remove();
  });

  it('counts and leases in memory, drops events, and never throws or waits; then resubscribes', async () => {
    const received: string[] = [];
    await store.subscribe('events', (message) => received.push(message));
    await store.hitWindow('w', 1_000_000, 60_000, 10);
    await store.ping();

    const lost = nextChange(changes);
    await redis.stop();
    assert.equal(await lost, false);
    await assert.rejects(store.ping(), 'readiness says no');
    const startedAt = Date.now();
    // The count starts afresh here: each instance limits on its own until Redis is back.
    assert.deepEqual(await store.hitWindow('w', 1_000_001, 60_000, 10), {
      count: 1,
      oldestMs: 1_000_001,
    });
    assert.deepEqual(await store.peekWindow('w', 1_000_002, 60_000), {
      count: 1,
      oldestMs: 1_000_001,
    });
    assert.deepEqual(await store.hitWindows(['w', 'v'], 1_000_002, 60_000, 10), [
      { count: 2, oldestMs: 1_000_001 },
      { count: 1, oldestMs: 1_000_002 },
    ]);
    assert.equal(await store.acquireLease('l', 'a', 1, 1_000_000, 60_000), true);
    assert.equal(await store.acquireLease('l', 'b', 1, 1_000_000, 60_000), false);
    await store.releaseLease('l', 'a');
    await store.publish('events', 'during');
    const late: string[] = [];
    let arrived: () => void = () => {};
    const lateArrived = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    await store.subscribe('late', (message) => {
      late.push(message);
      arrived();
    });
    assert.ok(Date.now() - startedAt < 500, 'nothing waited for Redis');

    const back = nextChange(changes);
    await redis.start();
    assert.equal(await back, true);
    await store.ping();
    // Subscriptions are in place again, those made during the outage too.
    await store.publish('events', 'after');
    await store.publish('late', 'after');
    await lateArrived;
    assert.deepEqual(late, ['after']);
    const deadline = Date.now() + 2000;
    while (received.length < 1 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(received, ['after'], 'the event published while Redis was away is dropped');
  });
});
