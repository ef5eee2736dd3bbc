// Exponential backoff with jitter, so that many widgets cut off by the same outage do not all
// reconnect in the same instant when it ends.

export interface BackoffOptions {
  readonly baseMs?: number;
  readonly maxMs?: number;
  /** A number in [0, 1); injected by tests. */
  readonly random?: () => number;
}

/**
 * The wait before retry number `attempt` (0 for the first retry): base·2^attempt, capped at
 * `maxMs`, then scaled by a random factor in [0.5, 1) ("equal jitter").
 *
 * @example backoffDelay(3, { baseMs: 1000, random: () => 0 }) // 4000
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const { baseMs = 1000, maxMs = 30_000, random = Math.random } = options;
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempt, 30)));
  return Math.round(ceiling * (0.5 + random() / 2));
}

/** `Retry-After` (seconds, or an HTTP date) in milliseconds, if the header says something usable. */
export function retryAfterMs(header: string | null, nowMs: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
