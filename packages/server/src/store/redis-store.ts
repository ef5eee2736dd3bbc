import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Store, WindowCount } from './store.js';

// One round trip, atomic: drop what left the window, add this hit, trim to `keep`, count.
const HIT_WINDOW = `
local key, now, window, keep, member = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
redis.call('ZADD', key, now, member)
local count = redis.call('ZCARD', key)
if count > keep then
  redis.call('ZREMRANGEBYRANK', key, 0, count - keep - 1)
  count = keep
end
redis.call('PEXPIRE', key, window)
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
return {count, oldest[2]}
`;

// The same count without recording anything. `from` is the exclusive lower bound, '(' + start.
const PEEK_WINDOW = `
local key, from = KEYS[1], ARGV[1]
local count = redis.call('ZCOUNT', key, from, '+inf')
local oldest = redis.call('ZRANGEBYSCORE', key, from, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
return {count, oldest[2]}
`;

// Leases are a sorted set scored by expiry. Atomic: drop lapsed leases, then take or renew this
// one unless `max` others are held; the key lives exactly as long as its last lease.
const ACQUIRE_LEASE = `
local key, lease, max, now, ttl = KEYS[1], ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
if not redis.call('ZSCORE', key, lease) and redis.call('ZCARD', key) >= max then
  return 0
end
redis.call('ZADD', key, now + ttl, lease)
local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
redis.call('PEXPIRE', key, math.max(1, math.ceil(tonumber(last[2]) - now)))
return 1
`;

/** The shared store: several server instances see the same windows and events. */
export async function createRedisStore(url: string, keyPrefix = 'hilal:'): Promise<Store> {
  const options = { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true };
  const client = new Redis(url, options);
  const subscriber = new Redis(url, options);
  await Promise.all([client.connect(), subscriber.connect()]);
  const listeners = new Map<string, Set<(message: string) => void>>();
  subscriber.on('message', (channel: string, message: string) => {
    for (const listener of listeners.get(channel) ?? []) listener(message);
  });

  return {
    async hitWindow(key, nowMs, windowMs, keep): Promise<WindowCount> {
      const member = `${nowMs}:${randomBytes(6).toString('hex')}`;
      const result = (await client.eval(
        HIT_WINDOW,
        1,
        `${keyPrefix}window:${key}`,
        nowMs,
        windowMs,
        keep,
        member,
      )) as [number, string];
      return { count: Number(result[0]), oldestMs: Number(result[1]) };
    },
    async peekWindow(key, nowMs, windowMs): Promise<WindowCount> {
      const from = `(${nowMs - windowMs}`;
      const result = (await client.eval(PEEK_WINDOW, 1, `${keyPrefix}window:${key}`, from)) as
        | [number]
        | [number, string];
      return {
        count: Number(result[0]),
        oldestMs: result[1] === undefined ? nowMs : Number(result[1]),
      };
    },
    async acquireLease(key, leaseId, max, nowMs, ttlMs) {
      const held = await client.eval(
        ACQUIRE_LEASE,
        1,
        `${keyPrefix}lease:${key}`,
        leaseId,
        max,
        nowMs,
        ttlMs,
      );
      return held === 1;
    },
    async releaseLease(key, leaseId) {
      await client.zrem(`${keyPrefix}lease:${key}`, leaseId);
    },
    async publish(channel, message) {
      await client.publish(`${keyPrefix}${channel}`, message);
    },
    async subscribe(channel, listener) {
      const full = `${keyPrefix}${channel}`;
      let set = listeners.get(full);
      if (set === undefined) {
        set = new Set();
        listeners.set(full, set);
        await subscriber.subscribe(full);
      }
      set.add(listener);
      return async () => {
        set.delete(listener);
        if (set.size === 0) {
          listeners.delete(full);
          await subscriber.unsubscribe(full);
        }
      };
    },
    async close() {
      await Promise.allSettled([client.quit(), subscriber.quit()]);
    },
  };
}
