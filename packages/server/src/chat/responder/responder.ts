import type { IdentityState, MessageAuthor } from '../../db/schema.js';
import type { KnowledgeEntry } from '../knowledge/knowledge-entry.js';

/** What a responder knows when it writes the bot's next reply (docs/contract.md §6). */
export interface ReplyContext {
  readonly botName: string;
  /** The server's own identity state for this session (never the client's word). */
  readonly identity: IdentityState;
  /** Verified claims; present only when `identity` is `verified`. Fact. */
  readonly verified?: { readonly sub: string; readonly name?: string; readonly email?: string };
  /** What the visitor said about themselves; display only, never fact. */
  readonly selfReported?: { readonly name?: string; readonly email?: string };
  /** The conversation so far, oldest first; the visitor's latest message is last. */
  readonly history: ReadonlyArray<{ readonly author: MessageAuthor; readonly text: string }>;
  /** The visitor's latest message. */
  readonly text: string;
  /** The bot's knowledge entries that best match `text`, best first (at most a few). */
  readonly knowledge: readonly KnowledgeEntry[];
  /** An email this (anonymous) conversation already left for follow-up, if any. */
  readonly followUpEmail?: string;
}

/** Receives a reply's text as it is written, for streaming to the widget. */
export interface ReplySink {
  delta(text: string): void;
}

export interface Reply {
  readonly text: string;
  /** The visitor asked for a human, or the bot had no answer: an agent should take over. */
  readonly handoff: boolean;
  /** An email the anonymous visitor left in this message, for follow-up. */
  readonly capturedEmail?: string;
  readonly source: 'builtin' | 'llm';
}

export interface Responder {
  /**
   * False when `reply` never reads `context.history` (the built-in responder): the conversation
   * is then not read for it. Absent means it is read.
   */
  readonly needsHistory?: boolean;
  reply(context: ReplyContext, sink: ReplySink, signal?: AbortSignal): Promise<Reply>;
}
