// The messages on screen, deduplicated. One message can reach the widget three ways (the send
// response, the event stream, the history) and a retried send comes back with the same client
// id, so every message is keyed once: by its client id if this tab sent it, else by its id.
import type { Author, Message } from './wire.js';

export type MessageStatus = 'sent' | 'sending' | 'failed' | 'streaming';

export interface ViewMessage {
  /** Stable for the life of the bubble, so the view can keep its DOM node. */
  readonly key: string;
  readonly author: Author;
  readonly text: string;
  readonly status: MessageStatus;
  readonly id?: string;
  readonly clientMessageId?: string;
  readonly seq?: number;
  readonly createdAt: number;
}

const draftKey = (replyId: string) => `d:${replyId}`;

export class MessageList {
  readonly #items = new Map<string, ViewMessage>();
  readonly #keyById = new Map<string, string>();
  readonly #keyByClientId = new Map<string, string>();

  get size(): number {
    return this.#items.size;
  }

  /**
   * Shows a stored message, replacing the pending bubble or streamed draft it completes.
   * Returns what was shown for it before (undefined when it is new to this tab).
   */
  upsert(message: Message): ViewMessage | undefined {
    const { id, clientMessageId: clientId } = message;
    const key =
      this.#keyById.get(id) ??
      (clientId === null ? undefined : this.#keyByClientId.get(clientId)) ??
      (this.#items.has(draftKey(id)) ? draftKey(id) : `m:${id}`);
    const previous = this.#items.get(key);
    // docs/widget-api.md: the final text of a streamed reply always follows as a `message`.
    if (message.author === 'bot' && !previous) this.#dropDrafts();
    this.#items.set(key, {
      key,
      author: message.author,
      text: message.text,
      status: 'sent',
      id,
      seq: message.seq,
      createdAt: message.createdAt,
      ...(clientId === null ? {} : { clientMessageId: clientId }),
    });
    this.#keyById.set(id, key);
    if (clientId !== null) this.#keyByClientId.set(clientId, key);
    return previous;
  }

  /** A message this tab is sending; shown at once, confirmed later by `upsert`. */
  addPending(clientMessageId: string, text: string, createdAt: number): void {
    const key = `c:${clientMessageId}`;
    if (this.#keyByClientId.has(clientMessageId)) return;
    this.#items.set(key, {
      key,
      author: 'visitor',
      text,
      status: 'sending',
      clientMessageId,
      createdAt,
    });
    this.#keyByClientId.set(clientMessageId, key);
  }

  setStatus(clientMessageId: string, status: 'sending' | 'failed'): void {
    const key = this.#keyByClientId.get(clientMessageId);
    const item = key === undefined ? undefined : this.#items.get(key);
    if (item && item.status !== 'sent') this.#items.set(item.key, { ...item, status });
  }

  /** Appends streamed text to the draft of a bot reply; ignored once the reply is stored. */
  delta(replyId: string, text: string, now: number): void {
    if (this.#keyById.has(replyId)) return;
    const key = draftKey(replyId);
    const draft = this.#items.get(key);
    this.#items.set(key, {
      key,
      author: 'bot',
      text: (draft?.text ?? '') + text,
      status: 'streaming',
      createdAt: draft?.createdAt ?? now,
    });
  }

  /**
   * Replaces everything with a conversation's history, keeping this tab's unsent messages
   * (unless the history shows them stored) so that nothing typed is lost.
   */
  reset(history: readonly Message[]): void {
    const unsent = [...this.#items.values()].filter(
      (item) => !item.id && item.status !== 'streaming',
    );
    this.clear();
    for (const message of history) this.upsert(message);
    for (const item of unsent) {
      if (item.clientMessageId && !this.#keyByClientId.has(item.clientMessageId)) {
        this.#items.set(item.key, item);
        this.#keyByClientId.set(item.clientMessageId, item.key);
      }
    }
  }

  clear(): void {
    this.#items.clear();
    this.#keyById.clear();
    this.#keyByClientId.clear();
  }

  /** Stored messages in `seq` order, then what is still on its way, oldest first. */
  items(): ViewMessage[] {
    return [...this.#items.values()].sort(
      (a, b) => (a.seq ?? Infinity) - (b.seq ?? Infinity) || a.createdAt - b.createdAt,
    );
  }

  /** The highest `seq` held, for `Last-Event-ID`. */
  lastSeq(): number {
    let last = 0;
    for (const item of this.#items.values())
      if (item.seq !== undefined && item.seq > last) last = item.seq;
    return last;
  }

  #dropDrafts(): void {
    for (const [key, item] of this.#items) if (item.status === 'streaming') this.#items.delete(key);
  }
}
