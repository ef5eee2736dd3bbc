import { EventEmitter } from 'node:events';
import type { Store, WindowCount } from './store.js';

const SWEEP_EVERY = 1024;

/**
 * The single-process store. Sliding windows keep their timestamps, oldest first; leases keep
 * their expiry times by lease id.
 */
export function createMemoryStore(): Store {
  const windows = new Map<string, { times: number[]; windowMs: number }>();
  const leases = new Map<string, Map<string, number>>();
  const events = new EventEmitter();
  events.setMaxListeners(0);
  let writes = 0;

  // Keys nobody touches again would otherwise stay forever; every so often, drop the dead ones.
  function maybeSweep(nowMs: number) {
    writes += 1;
    if (writes % SWEEP_EVERY !== 0) return;
    for (const [key, entry] of windows) {
      const last = entry.times[entry.times.length - 1] ?? 0;
      if (last <= nowMs - entry.windowMs) windows.delete(key);
    }
    for (const [key, held] of leases) {
      dropExpired(held, nowMs);
      if (held.size === 0) leases.delete(key);
    }
  }

  function hitWindow(key: string, nowMs: number, windowMs: number, keep: number): WindowCount {
    maybeSweep(nowMs);
    let entry = windows.get(key);
    if (entry === undefined) {
      entry = { times: [], windowMs };
      windows.set(key, entry);
    }
    const { times } = entry;
    const start = times.findIndex((time) => time > nowMs - windowMs);
    times.splice(0, start === -1 ? times.length : start);
    times.push(nowMs);
    if (times.length > keep) times.splice(0, times.length - keep);
    return { count: times.length, oldestMs: times[0] ?? nowMs };
  }

  return {
    async hitWindow(key, nowMs, windowMs, keep): Promise<WindowCount> {
      return hitWindow(key, nowMs, windowMs, keep);
    },
    async hitWindows(keys, nowMs, windowMs, keep): Promise<WindowCount[]> {
      const counts: WindowCount[] = [];
      for (const key of keys) {
        const window = hitWindow(key, nowMs, windowMs, keep);
        counts.push(window);
        if (window.count >= keep) break;
      }
      return counts;
    },
    async peekWindow(key, nowMs, windowMs): Promise<WindowCount> {
      const inWindow = (windows.get(key)?.times ?? []).filter((time) => time > nowMs - windowMs);
      return { count: inWindow.length, oldestMs: inWindow[0] ?? nowMs };
    },
    async acquireLease(key, leaseId, max, nowMs, ttlMs) {
      maybeSweep(nowMs);
      let held = leases.get(key);
      if (held === undefined) {
        held = new Map();
        leases.set(key, held);
      }
      dropExpired(held, nowMs);
      if (!held.has(leaseId) && held.size >= max) return false;
      held.set(leaseId, nowMs + ttlMs);
      return true;
    },
    async releaseLease(key, leaseId) {
      const held = leases.get(key);
      held?.delete(leaseId);
      if (held?.size === 0) leases.delete(key);
    },
    async publish(channel, message) {
      events.emit(channel, message);
    },
    async subscribe(channel, listener) {
      events.on(channel, listener);
      return async () => {
        events.off(channel, listener);
      };
    },
    async ping() {},
    onAvailability() {},
    async close() {
      windows.clear();
      leases.clear();
      events.removeAllListeners();
    },
  };
}

function dropExpired(held: Map<string, number>, nowMs: number) {
  for (const [leaseId, expiresMs] of held) if (expiresMs <= nowMs) held.delete(leaseId);
}
