import type { Store } from './store.js';

const MINUTE_MS = 60_000;

/**
 * Counts one event under `key` in a sliding minute and says whether it is past `limit`.
 * `retryAfterS` is when the oldest counted event leaves the minute (at least 1 s). An event past
 * the limit still counts, so a steady offender stays limited.
 *
 * With several keys (one limit counted under each), they are counted in turn up to the first one
 * past the limit, which decides (`Store.hitWindows`): the same as one call per key, stopped at
 * the first limited, in a single round trip to the store.
 *
 * @example
 * const { limited, retryAfterS } = await countPerMinute(store, `login-failures:${ip}`, 10, Date.now());
 * if (limited) throw new HilalError('rate_limited', { 'Retry-After': String(retryAfterS) });
 */
export async function countPerMinute(
  store: Store,
  key: string | readonly string[],
  limit: number,
  nowMs: number,
): Promise<{ limited: boolean; retryAfterS: number }> {
  const window =
    typeof key === 'string'
      ? await store.hitWindow(key, nowMs, MINUTE_MS, limit + 1)
      : (await store.hitWindows(key, nowMs, MINUTE_MS, limit + 1)).at(-1);
  if (window === undefined) return { limited: false, retryAfterS: 1 };
  const retryAfterS = Math.max(1, Math.ceil((window.oldestMs + MINUTE_MS - nowMs) / 1000));
  return { limited: window.count > limit, retryAfterS };
}
