import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createMemoryStore } from './memory-store.js';
import type { Store, WindowCount } from './store.js';

// One round trip, atomic, for every key in turn: drop what left the window, add this hit, trim to
// `keep`, count; stop after the first key whose window is full (`Store.hitWindows`).
const HIT_WINDOWS = `
local now, window, keep, member = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local counts = {}
for _, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  redis.call('ZADD', key, now, member)
  local count = redis.call('ZCARD', key)
  if count > keep then
    redis.call('ZREMRANGEBYRANK', key, 0, count - keep - 1)
    count = keep
  end
  redis.call('PEXPIRE', key, window)
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  counts[#counts + 1] = count
  counts[#counts + 1] = oldest[2]
  if count >= keep then break end
end
return counts
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

/**
 * How the store behaves while Redis cannot be reached (README "Operations", docs/contract.md §11):
 * requests never wait for it or fail because of it. Counting and leases fall back to this
 * instance's memory (each limit then holds per instance rather than across them). Events are
 * not delivered at all, not even to this instance's own subscribers: a live stream resumes after
 * the last `seq` it sent, so a stream that had carried a later message of its own instance would
 * skip, for good, an earlier one another instance stored meanwhile. Redis is retried every
 * second at most; once both connections are back, the subscriptions are made again and
 * `onAvailability(true)` says that events were missed, so that streams end and their widgets
 * replay the gap from the database.
 */
const CONNECTION_OPTIONS = {
  lazyConnect: true,
  // A command fails at once while Redis is away (then falls back) instead of queueing.
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  connectTimeout: 2000,
  // A Redis that accepts connections but does not answer: fall back after a second.
  commandTimeout: 1000,
  retryStrategy: (attempt: number) => Math.min(100 * attempt, 1000),
  // Subscriptions are made again here, so that `onAvailability(true)` follows them.
  autoResubscribe: false,
} as const;

/** The shared store: several server instances see the same windows and events. */
export async function createRedisStore(url: string, keyPrefix = 'hilal:'): Promise<Store> {
  // Commands issued in the same tick (many sessions' counts and events under load) leave in one
  // write: on the chat path the socket writes cost more than Redis does.
  const client = new Redis(url, { ...CONNECTION_OPTIONS, enableAutoPipelining: true });
  const subscriber = new Redis(url, CONNECTION_OPTIONS);
  // ioredis reports a lost connection as an `error` event; the state changes below handle it.
  client.on('error', () => {});
  subscriber.on('error', () => {});
  try {
    await Promise.all([client.connect(), subscriber.connect()]);
  } catch (error) {
    // Otherwise they would go on retrying in the background.
    client.disconnect();
    subscriber.disconnect();
    throw error;
  }
  const local = createMemoryStore();
  const listeners = new Map<string, Set<(message: string) => void>>();
  const availabilityListeners: Array<(available: boolean) => void> = [];
  let available = true;
  let closing = false;

  subscriber.on('message', (channel: string, message: string) => {
    // Between resubscribing and announcing the gap, a stream must not move past it.
    if (!available) return;
    for (const listener of listeners.get(channel) ?? []) listener(message);
  });

  const ready = () => client.status === 'ready' && subscriber.status === 'ready';
  const announce = (now: boolean) => {
    if (now === available || closing) return;
    available = now;
    for (const listener of availabilityListeners) listener(now);
  };
  const lost = () => announce(false);
  client.on('close', lost);
  subscriber.on('close', lost);
  const resubscribe = async () => {
    const channels = [...listeners.keys()];
    try {
      if (channels.length > 0) await subscriber.subscribe(...channels);
    } catch {
      return; // lost again: the next `ready` tries again
    }
    if (ready()) announce(true);
  };
  subscriber.on('ready', () => void resubscribe());
  client.on('ready', () => {
    if (ready()) void resubscribe();
  });

  /** Runs `shared` on Redis when it is there, else (or when it fails) `fallback` here. */
  async function withFallback<T>(shared: () => Promise<T>, fallback: () => Promise<T>): Promise<T> {
    if (client.status !== 'ready') return fallback();
    try {
      return await shared();
    } catch {
      return fallback();
    }
  }

  function hitWindows(
    keys: readonly string[],
    nowMs: number,
    windowMs: number,
    keep: number,
  ): Promise<WindowCount[]> {
    if (keys.length === 0) return Promise.resolve([]);
    return withFallback(
      async () => {
        const member = `${nowMs}:${randomBytes(6).toString('hex')}`;
        const windowKeys = keys.map((key) => `${keyPrefix}window:${key}`);
        const result = (await client.eval(
          HIT_WINDOWS,
          windowKeys.length,
          ...windowKeys,
          nowMs,
          windowMs,
          keep,
          member,
        )) as Array<number | string>;
        const counts: WindowCount[] = [];
        for (let i = 0; i < result.length; i += 2) {
          counts.push({ count: Number(result[i]), oldestMs: Number(result[i + 1]) });
        }
        return counts;
      },
      () => local.hitWindows(keys, nowMs, windowMs, keep),
    );
  }

  return {
    async hitWindow(key, nowMs, windowMs, keep): Promise<WindowCount> {
      const [window] = await hitWindows([key], nowMs, windowMs, keep);
      if (window === undefined) throw new TypeError('a window of one key counted nothing');
      return window;
    },
    hitWindows,
    peekWindow(key, nowMs, windowMs): Promise<WindowCount> {
      return withFallback(
        async () => {
          const from = `(${nowMs - windowMs}`;
          const result = (await client.eval(PEEK_WINDOW, 1, `${keyPrefix}window:${key}`, from)) as
            | [number]
            | [number, string];
          return {
            count: Number(result[0]),
            oldestMs: result[1] === undefined ? nowMs : Number(result[1]),
          };
        },
        () => local.peekWindow(key, nowMs, windowMs),
      );
    },
    acquireLease(key, leaseId, max, nowMs, ttlMs) {
      return withFallback(
        async () => {
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
        () => local.acquireLease(key, leaseId, max, nowMs, ttlMs),
      );
    },
    async releaseLease(key, leaseId) {
      // A lease taken in Redis and not released there lapses with its ttl.
      await local.releaseLease(key, leaseId);
      if (client.status === 'ready') {
        await client.zrem(`${keyPrefix}lease:${key}`, leaseId).catch(() => {});
      }
    },
    async publish(channel, message) {
      // Dropped while Redis is away (see above); `onAvailability(true)` announces the gap.
      if (client.status === 'ready') {
        await client.publish(`${keyPrefix}${channel}`, message).catch(() => {});
      }
    },
    async subscribe(channel, listener) {
      const full = `${keyPrefix}${channel}`;
      let set = listeners.get(full);
      if (set === undefined) {
        set = new Set();
        listeners.set(full, set);
        // While Redis is away the channel is subscribed when it comes back (`resubscribe`).
        if (subscriber.status === 'ready') await subscriber.subscribe(full).catch(() => {});
      }
      set.add(listener);
      return async () => {
        set.delete(listener);
        if (set.size === 0 && listeners.get(full) === set) {
          listeners.delete(full);
          if (subscriber.status === 'ready') await subscriber.unsubscribe(full).catch(() => {});
        }
      };
    },
    async ping() {
      await client.ping();
    },
    onAvailability(listener) {
      availabilityListeners.push(listener);
    },
    async close() {
      closing = true;
      await Promise.allSettled([client.quit(), subscriber.quit()]);
      client.disconnect();
      subscriber.disconnect();
      await local.close();
    },
  };
}
