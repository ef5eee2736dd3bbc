// A verified session lasts until its token's `exp` (docs/contract.md §2): this is the timer that
// asks the host for a fresh token shortly before, or, with no one to ask, ends the session at `exp`.
import { MAX_TIMER_MS, refreshDelayMs } from './token-schedule.js';

export interface TokenLifetimeOptions {
  /** Whether there is a `userTokenProvider` to ask. */
  readonly canRefresh: () => boolean;
  /** Time to ask for a fresh token. */
  readonly refresh: () => void;
  /** `exp` has come, and no fresh token was found. */
  readonly expired: () => void;
  /** Epoch ms. */
  readonly now: () => number;
}

export class TokenLifetime {
  readonly #o: TokenLifetimeOptions;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #expS: number | undefined;
  #declined = false;

  constructor(options: TokenLifetimeOptions) {
    this.#o = options;
  }

  /** Whether a verified token's `exp` is ahead. */
  get running(): boolean {
    return this.#expS !== undefined;
  }

  /** A token was verified: plan for its `exp`, in epoch seconds. */
  start(expS: number): void {
    this.#declined = false;
    this.#plan(expS);
  }

  /** The host had no fresh token, or it failed: only wait for `exp`. */
  decline(): void {
    this.#declined = true;
    if (this.#expS !== undefined) this.#plan(this.#expS);
  }

  /** Another provider: it is asked again. */
  reset(): void {
    this.#declined = false;
    if (this.#expS !== undefined) this.#plan(this.#expS);
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#expS = undefined;
  }

  #plan(expS: number): void {
    clearTimeout(this.#timer);
    this.#expS = expS;
    const refresh = this.#o.canRefresh() && !this.#declined;
    const now = this.#o.now();
    const delay = refresh ? refreshDelayMs(expS, now) : Math.max(0, expS * 1000 - now);
    this.#timer = setTimeout(
      () => {
        if (delay > MAX_TIMER_MS) this.#plan(expS);
        else if (refresh) this.#o.refresh();
        else {
          this.#expS = undefined;
          this.#o.expired();
        }
      },
      Math.min(delay, MAX_TIMER_MS),
    );
  }
}
