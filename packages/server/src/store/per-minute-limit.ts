import type { Store } from './store.js';

const MINUTE_MS = 60_000;

/**
 * Counts one event under `key` in a sliding minute and says whether it is past `limit`.
 * `retryAfterS` is when the oldest counted event leaves the minute (at least 1 s). An event past
 * the limit still counts, so a steady offender stays limited.
 *
 * @example
 * const { limited, retryAfterS } = await countPerMinute(store, `login-failures:${ip}`, 10, Date.now());
 * if (limited) throw new HilalError('rate_limited', { 'Retry-After': String(retryAfterS) });
 */
export async function countPerMinute(
  store: Store,
  key: string,
  limit: number,
  nowMs: number,
): Promise<{ limited: boolean; retryAfterS: number }> {
  const window = await store.hitWindow(key, nowMs, MINUTE_MS, limit + 1);
  const retryAfterS = Math.max(1, Math.ceil((window.oldestMs + MINUTE_MS - nowMs) / 1000));
  return { limited: window.count > limit, retryAfterS };
}
