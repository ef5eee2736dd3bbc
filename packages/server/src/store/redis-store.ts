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
