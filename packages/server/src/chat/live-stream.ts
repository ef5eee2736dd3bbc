import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { HilalError } from '../errors.js';
import { flatString } from '../flat-string.js';
import { findSession } from '../identity/request-session.js';
import type { SigningKeys } from '../identity/signing-keys.js';
import type { WidgetSession, WidgetSessions } from '../identity/widget-sessions.js';
import type { Store } from '../store/store.js';
import { type ChatCaller, currentIdentity } from './chat-auth.js';
import { ensureContact } from './chat-contacts.js';
import {
  botSecretsChannel,
  type ChatEvent,
  contactChannel,
  familyChannel,
  parseChatEvent,
} from './chat-events.js';
import { chatRequestParts } from './chat-request.js';
import { findOpenConversation } from './conversations-repository.js';
import { listMessages } from './messages-repository.js';
import { visitorKeys } from './visitor-keys.js';

/**
 * Until when a verified session holds at most, epoch ms: its token's `exp`, or, for a session
 * verified with a pending secret, that secret's expiry if it comes first.
 */
async function verifiedUntilMs(
  deps: Pick<LiveStreamDeps, 'signingKeys'>,
  session: WidgetSession,
): Promise<number | undefined> {
  if (session.verifiedUntil === null) return undefined;
  const signing = await deps.signingKeys.resolve(session.organizationId, session.chatbotId);
  const pending = signing?.pending;
  const tokenUntil = session.verifiedUntil * 1000;
  return pending !== undefined && pending.secretRef === session.secretRef
    ? Math.min(tokenUntil, pending.expiresAt)
    : tokenUntil;
}

/**
 * Node keeps a response's header block (`_header`) until the response ends, as the string it
 * was built into, one concatenation per header line: for a stream's dozen headers some sixty
 * pieces, 1.8 KB an open stream.
 */
function keepHeaderFlat(raw: ServerResponse): void {
  const header: unknown = (raw as { _header?: unknown })._header;
  if (typeof header === 'string') flatString(header);
}

/** Why a stream ended its session (the `session_ended` event's `reason`). */
export type SessionEndedReason = 'logout' | 'secret_changed' | 'expired' | 'max_age';

export interface LiveStreamLimits {
  /** docs/contract.md §10: open streams per visitor, across instances. */
  readonly maxPerVisitor: number;
  /** docs/contract.md §10: a stream lives at most this long (the widget reconnects). */
  readonly maxAgeMs: number;
  /** How often a stream pings and re-checks its session, besides the events that wake it. */
  readonly checkMs: number;
}

export const DEFAULT_STREAM_LIMITS: LiveStreamLimits = {
  maxPerVisitor: 10,
  maxAgeMs: 3600_000,
  checkMs: 15_000,
};

export interface LiveStreamDeps {
  readonly db: Kysely<Database>;
  readonly store: Store;
  readonly now: () => number;
  readonly sessions: Pick<WidgetSessions, 'find'>;
  readonly signingKeys: Pick<SigningKeys, 'resolve'>;
  readonly limits: LiveStreamLimits;
}

export interface LiveStreams {
  /** Serves `GET /api/chat/events` for an authenticated caller; takes the response over. */
  open(request: FastifyRequest, reply: FastifyReply, caller: ChatCaller): Promise<void>;
  /** Ends every open stream (shutdown: the widgets reconnect to another instance). */
  closeAll(): void;
}

/**
 * The live stream (Server-Sent Events, read by the widget with `fetch` so the session travels in
 * a header, never in a URL). With `Last-Event-ID`, the messages after that `seq` are replayed
 * first; events arriving meanwhile are held back and deduplicated, so a reconnect neither loses
 * nor repeats a message.
 *
 * A stream lives only as long as its session (docs/contract.md §10): a logout (announced on the family's
 * channel), a secret saved, cleared or cancelled (the bot's channel), the token's `exp`, the
 * pending secret's 24th hour and the hour's limit each end it with `session_ended`. Channels carry the news across instances; the periodic
 * check also catches a change made where no channel reaches (the command line without Redis).
 */
export function createLiveStreams(deps: LiveStreamDeps): LiveStreams {
  const { db, store, now, limits } = deps;
  const open = new Set<() => void>();
  const leaseTtlMs = Math.max(4 * limits.checkMs, 60_000);

  const lease = (key: string, leaseId: string) =>
    store.acquireLease(`streams:${key}`, leaseId, limits.maxPerVisitor, now(), leaseTtlMs);
  const release = (keys: string[], leaseId: string) =>
    Promise.all(keys.map((key) => store.releaseLease(`streams:${key}`, leaseId)));

  async function takeLeases(keys: string[], leaseId: string): Promise<boolean> {
    const taken: string[] = [];
    for (const key of keys) {
      if (!(await lease(key, leaseId))) {
        await release(taken, leaseId);
        return false;
      }
      taken.push(key);
    }
    return true;
  }

  return {
    async open(request, reply, caller) {
      const { session } = caller;
      const { organizationId } = session;
      const keys = visitorKeys(session).map(flatString);
      // One string (randomUUID's is some ten joined pieces, held as long as the stream).
      const leaseId = randomBytes(16).toString('base64url');
      // A stream frees its place as soon as it closes; a few seconds is a fair first retry.
      if (!(await takeLeases(keys, leaseId))) {
        throw new HilalError('too_many_streams', { 'Retry-After': '5' });
      }
      const releaseLeases = () => release(keys, leaseId).catch(() => {});
      const renewLease = (key: string) => lease(key, leaseId);

      let contact: Awaited<ReturnType<typeof ensureContact>>;
      let validUntil: number | undefined;
      try {
        contact = await ensureContact(db, caller, now());
        if (caller.identity === 'verified') validUntil = await verifiedUntilMs(deps, session);
      } catch (error) {
        await releaseLeases();
        throw error;
      }
      const openedAt = now();
      // In headers, or in the body of a simple request (POST): chat-request.ts.
      const parts = chatRequestParts(request);
      const lastEventId = Number(parts.lastEventId);

      reply.hijack();
      const raw: ServerResponse = reply.raw;
      raw.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string>),
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
      });
      raw.write(': connected\n\n');
      keepHeaderFlat(raw);

      let highestSeq = Number.isSafeInteger(lastEventId) && lastEventId > 0 ? lastEventId : 0;
      let held: ChatEvent[] | undefined = [];
      let ended = false;
      const write = (event: ChatEvent) => {
        if (ended) return;
        if (event.type === 'message') {
          if (event.message.seq <= highestSeq) return;
          highestSeq = event.message.seq;
          raw.write(
            `id: ${event.message.seq}\nevent: message\ndata: ${JSON.stringify(event.message)}\n\n`,
          );
        } else if (event.type === 'typing') {
          raw.write(
            `event: typing\ndata: ${JSON.stringify({ author: event.author, typing: event.typing })}\n\n`,
          );
        } else {
          raw.write(
            `event: delta\ndata: ${JSON.stringify({ replyId: event.replyId, text: event.text })}\n\n`,
          );
        }
      };

      // Whether the session still holds; the first reason it does not.
      const verifiedAtOpen = caller.identity === 'verified';
      async function endReason(): Promise<SessionEndedReason | undefined> {
        const nowMs = now();
        if (nowMs - openedAt >= limits.maxAgeMs) return 'max_age';
        if (session.expiresAt <= nowMs) return 'expired';
        if ((await findSession(deps.sessions, parts.credential, nowMs)) === undefined)
          return 'logout';
        if (verifiedAtOpen) {
          if ((session.verifiedUntil ?? 0) * 1000 <= nowMs) return 'expired';
          if ((await currentIdentity(deps, session, nowMs)) !== 'verified') return 'secret_changed';
        }
        return undefined;
      }

      const unsubscribers: Array<() => Promise<void>> = [];
      // One check at a time; news that arrives during a check runs another after it.
      let checking = false;
      let again = false;
      const check = () => {
        if (checking) {
          again = true;
          return;
        }
        checking = true;
        void endReason()
          .then((reason) => {
            if (reason !== undefined) end(reason);
          })
          .catch(() => {})
          .finally(() => {
            checking = false;
            if (again && !ended) {
              again = false;
              check();
            }
          });
      };
      const end = (reason: SessionEndedReason | undefined) => {
        if (ended) return;
        if (reason !== undefined) {
          raw.write(`event: session_ended\ndata: ${JSON.stringify({ reason })}\n\n`);
        }
        raw.end();
        cleanUp();
      };
      const tick = setInterval(() => {
        if (ended) return;
        raw.write(': ping\n\n');
        // Renewed while open; a crashed instance's leases lapse by themselves.
        for (const key of keys) void renewLease(key).catch(() => {});
        check();
      }, limits.checkMs);
      // The token's exp, or the 24th hour of the pending secret that verified it (docs/contract.md
      // §3), to the millisecond rather than at the next tick; past the hour's limit, no timer.
      const expiry =
        validUntil !== undefined && validUntil - openedAt < limits.maxAgeMs
          ? setTimeout(check, Math.max(0, validUntil - now()) + 1)
          : undefined;
      const stop = () => end(undefined);
      open.add(stop);
      function cleanUp() {
        ended = true;
        open.delete(stop);
        clearInterval(tick);
        if (expiry) clearTimeout(expiry);
        void releaseLeases();
        for (const unsubscribe of unsubscribers.splice(0)) void unsubscribe().catch(() => {});
      }
      request.raw.once('close', cleanUp);

      unsubscribers.push(
        await store.subscribe(contactChannel(contact.id), (text) => {
          const event = parseChatEvent(text);
          if (event === undefined) return;
          if (held) held.push(event);
          else write(event);
        }),
        await store.subscribe(familyChannel(session.familyId), check),
      );
      if (verifiedAtOpen) {
        unsubscribers.push(await store.subscribe(botSecretsChannel(session.chatbotId), check));
      }
      if (ended) {
        // The stream ended while the subscriptions were being made.
        cleanUp();
        return;
      }
      // A change made before the subscriptions were in place is caught here.
      check();

      if (highestSeq > 0) {
        const conversation = await findOpenConversation(db, organizationId, contact.id);
        if (conversation) {
          const missed = await listMessages(db, organizationId, conversation.id, {
            afterSeq: highestSeq,
          });
          for (const message of missed) write({ type: 'message', message });
        }
      }
      const pending = held;
      held = undefined;
      for (const event of pending) write(event);
    },

    closeAll() {
      for (const stop of open) stop();
    },
  };
}
