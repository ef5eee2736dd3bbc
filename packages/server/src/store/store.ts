/**
 * The small interface behind every cross-cutting part that several server instances must share
 * (rate limits now; events and cache invalidation next). `memory-store.ts` serves one process;
 * `redis-store.ts` serves many. Both pass the same test suite (`store.test.ts`).
 */
export interface Store {
  /**
   * Records one event under `key` at `nowMs` and returns how many events of that key fall in the
   * sliding window `(nowMs - windowMs, nowMs]`, and when the oldest of them happened. At most
   * `keep` events are remembered per key, which bounds memory without changing any decision
   * that compares the count with a limit below `keep`.
   */
  hitWindow(key: string, nowMs: number, windowMs: number, keep: number): Promise<WindowCount>;
  /**
   * `hitWindow` on each of `keys` in turn, as one call (one round trip to Redis): it stops after
   * the first key whose window is full (`count` reaches `keep`), leaving the keys after it alone,
   * as the same calls made one by one and stopped at the first limit passed would. Returns the
   * counts of the keys it recorded under, in order.
   */
  hitWindows(
    keys: readonly string[],
    nowMs: number,
    windowMs: number,
    keep: number,
  ): Promise<WindowCount[]>;
  /**
   * The same count as `hitWindow` without recording an event (a limit checked before the work it
   * guards, e.g. sign-in before hashing). With no events, `count` is 0 and `oldestMs` is `nowMs`.
   */
  peekWindow(key: string, nowMs: number, windowMs: number): Promise<WindowCount>;
  /**
   * Takes (or renews) lease `leaseId` under `key` unless `max` other unexpired leases are held
   * there; returns whether it is held now. A lease lapses `ttlMs` after it was last taken, so a
   * crashed instance's leases free themselves (live-stream caps).
   */
  acquireLease(
    key: string,
    leaseId: string,
    max: number,
    nowMs: number,
    ttlMs: number,
  ): Promise<boolean>;
  /** Gives a lease back at once. */
  releaseLease(key: string, leaseId: string): Promise<void>;
  /** Publishes an event to every subscriber on every instance. */
  publish(channel: string, message: string): Promise<void>;
  /** Subscribes to a channel; returns a function that unsubscribes. */
  subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>>;
  /** Resolves when the shared backend answers, rejects otherwise (`/readyz`). */
  ping(): Promise<void>;
  /**
   * Calls `listener(false)` when the shared backend becomes unreachable and `listener(true)` when
   * it is back, its subscriptions in place again: events other instances published meanwhile
   * were missed (README "Operations"). The memory store never changes.
   */
  onAvailability(listener: (available: boolean) => void): void;
  close(): Promise<void>;
}

export interface WindowCount {
  readonly count: number;
  readonly oldestMs: number;
}
