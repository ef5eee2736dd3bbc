import { EventEmitter } from 'node:events';
import type { Store, WindowCount } from './store.js';

const SWEEP_EVERY = 1024;

/** The single-process store. Sliding windows keep their timestamps, oldest first. */
export function createMemoryStore(): Store {
  const windows = new Map<string, { times: number[]; windowMs: number }>();
  const events = new EventEmitter();
  events.setMaxListeners(0);
  let hits = 0;

  function sweep(nowMs: number) {
    for (const [key, entry] of windows) {
      const last = entry.times[entry.times.length - 1] ?? 0;
      if (last <= nowMs - entry.windowMs) windows.delete(key);
    }
  }

  return {
    async hitWindow(key, nowMs, windowMs, keep): Promise<WindowCount> {
      hits += 1;
      if (hits % SWEEP_EVERY === 0) sweep(nowMs);
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
    async close() {
      windows.clear();
      events.removeAllListeners();
    },
  };
}
