// Messages typed but not yet stored by the server. They are sent one at a time, in order, each
// retried with backoff under its own client id (the server stores a client id once), and kept
// in storage so that a reload or a navigation resends them instead of losing them.
import { HttpError, isTransient } from './api-client.js';
import { backoffDelay } from './backoff.js';
import type { Sleep } from './waker.js';
import { isObject, type Message } from './wire.js';

export interface OutboxEntry {
  readonly clientMessageId: string;
  readonly text: string;
  readonly createdAt: number;
}

export interface OutboxOptions {
  /**
   * Sends with the current session; throws `HttpError` or a network error. Once `stale()` is
   * true the entry was dropped (logout, another identity): a send still waiting for a session
   * must not go out.
   */
  readonly send: (entry: OutboxEntry, stale: () => boolean) => Promise<Message | undefined>;
  /** The session was refused (401): get a new one before the next attempt. */
  readonly renewSession: () => Promise<void>;
  readonly onSent: (entry: OutboxEntry, message: Message | undefined) => void;
  readonly onFailed: (entry: OutboxEntry) => void;
  /** Persists what is left to send. */
  readonly save: (entries: readonly OutboxEntry[]) => void;
  readonly sleep: Sleep;
  /** Attempts before a message is shown as failed (with a retry button). */
  readonly maxAttempts?: number;
  readonly random?: () => number;
}

export class Outbox {
  readonly #options: OutboxOptions;
  #entries: OutboxEntry[] = [];
  readonly #failed = new Set<string>();
  #generation = 0;
  #running = false;
  #drain: Promise<void> = Promise.resolve();

  constructor(options: OutboxOptions) {
    this.#options = options;
  }

  /** Entries saved by an earlier page; they are sent on the next `flush`. */
  restore(entries: readonly OutboxEntry[]): void {
    for (const entry of entries) {
      if (!this.has(entry.clientMessageId)) this.#entries.push(entry);
    }
  }

  entries(): readonly OutboxEntry[] {
    return this.#entries;
  }

  has(clientMessageId: string): boolean {
    return this.#entries.some((e) => e.clientMessageId === clientMessageId);
  }

  add(entry: OutboxEntry): void {
    this.#entries.push(entry);
    this.#persist();
    void this.flush();
  }

  /** The retry button: try a failed message again, under the same client id. */
  retry(clientMessageId: string): void {
    this.#failed.delete(clientMessageId);
    void this.flush();
  }

  /** The server has the message (seen in history or on the stream): stop sending it. */
  confirm(clientMessageId: string): void {
    if (!this.has(clientMessageId)) return;
    this.#entries = this.#entries.filter((e) => e.clientMessageId !== clientMessageId);
    this.#failed.delete(clientMessageId);
    this.#persist();
  }

  /**
   * Forgets every entry but those `keep` names, also a send in flight (logout, another user, an
   * identity that ended); what is kept is sent again from the start.
   */
  clear(keep: (entry: OutboxEntry) => boolean = () => false): void {
    this.#generation++;
    this.#running = false;
    this.#entries = this.#entries.filter(keep);
    this.#failed.clear();
    this.#persist();
    if (this.#entries.length) void this.flush();
  }

  /**
   * Sends what is waiting, oldest first (joining the send loop if one runs). Resolves once
   * nothing is left to try: everything sent, failed or dropped.
   */
  flush(): Promise<void> {
    if (this.#running) return this.#drain;
    this.#running = true;
    const generation = this.#generation;
    this.#drain = this.#sendAll(generation).finally(() => {
      if (generation === this.#generation) this.#running = false;
    });
    return this.#drain;
  }

  async #sendAll(generation: number): Promise<void> {
    for (;;) {
      const next = this.#entries.find((e) => !this.#failed.has(e.clientMessageId));
      if (!next || generation !== this.#generation) return;
      await this.#deliver(next, generation);
    }
  }

  async #deliver(entry: OutboxEntry, generation: number): Promise<void> {
    const { maxAttempts = 6, random } = this.#options;
    const stale = () => generation !== this.#generation || !this.has(entry.clientMessageId);
    for (let attempt = 0; ; attempt++) {
      try {
        const message = await this.#options.send(entry, stale);
        if (generation !== this.#generation) return;
        this.confirm(entry.clientMessageId);
        this.#options.onSent(entry, message);
        return;
      } catch (error) {
        if (stale()) return;
        const unauthorized = error instanceof HttpError && error.status === 401;
        if ((!unauthorized && !isTransient(error)) || attempt + 1 >= maxAttempts) {
          this.#failed.add(entry.clientMessageId);
          this.#options.onFailed(entry);
          return;
        }
        if (unauthorized) await this.#options.renewSession();
        else {
          const hinted = error instanceof HttpError ? error.retryAfterMs : undefined;
          await this.#options.sleep(hinted ?? backoffDelay(attempt, random ? { random } : {}));
        }
        if (stale()) return;
      }
    }
  }

  #persist(): void {
    this.#options.save(this.#entries);
  }
}

/** Reads saved entries, dropping anything malformed (storage is shared with the host page). */
export function parseOutbox(text: string | null): OutboxEntry[] {
  let value: unknown;
  try {
    value = JSON.parse(text ?? '[]');
  } catch {
    return [];
  }
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) =>
    isObject(item) &&
    typeof item.clientMessageId === 'string' &&
    typeof item.text === 'string' &&
    typeof item.createdAt === 'number'
      ? [{ clientMessageId: item.clientMessageId, text: item.text, createdAt: item.createdAt }]
      : [],
  );
}
