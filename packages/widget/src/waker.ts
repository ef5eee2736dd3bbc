// Retry waits that end early when the browser says the network is back, so a visitor who comes
// out of a tunnel does not sit out the rest of a 30 s backoff.

export type Sleep = (ms: number) => Promise<void>;

export class Waker {
  readonly #waiting = new Set<() => void>();

  readonly sleep: Sleep = (ms) =>
    new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiting.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#waiting.add(done);
    });

  /** Ends every wait now. */
  wake(): void {
    for (const done of [...this.#waiting]) done();
  }
}
