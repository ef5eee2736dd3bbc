import type { Kysely } from 'kysely';
import type { Dialect } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { HilalError } from '../errors.js';
import type { WidgetSessions } from '../identity/widget-sessions.js';
import { countPerMinute } from '../store/per-minute-limit.js';
import type { Store } from '../store/store.js';
import type { ChatCaller } from './chat-auth.js';
import { findCallerConversation } from './chat-contacts.js';
import { familyChannel, publishChatEvent } from './chat-events.js';
import { publishInboxActivity } from './inbox-activity.js';
import { readMessageText } from './message-text.js';
import { type ChatMessage, listMessages } from './messages-repository.js';
import type { ReplyService } from './reply-service.js';
import { findEmailAddress } from './responder/follow-up-email.js';
import type { ReplyContext } from './responder/responder.js';
import { storeVisitorMessage } from './store-visitor-message.js';
import { visitorKeys } from './visitor-keys.js';

/** docs/contract.md §10: messages a visitor may send in a sliding minute, whatever session id it uses. */
export const MESSAGES_PER_MINUTE = 30;

export interface ChatServiceDeps {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  readonly store: Store;
  readonly now: () => number;
  readonly replies: Pick<ReplyService, 'respond'>;
  readonly sessions: Pick<WidgetSessions, 'endFamily'>;
}

export interface ChatHistory {
  readonly identity: ChatCaller['identity'];
  readonly name: string | null;
  readonly conversationId: string | null;
  readonly messages: ChatMessage[];
}

export interface ChatService {
  /** The newest conversation this caller may see (verified: any device; else this browser). */
  history(caller: Omit<ChatCaller, 'knowledgeVersion'>): Promise<ChatHistory>;
  /**
   * Stores a visitor's message once, publishes it, and starts the bot's reply.
   *
   * Its cost on PostgreSQL, a message of a verified visitor to their open conversation with the
   * built-in responder (test/chat-statements.test.ts): 4 statements, 2 commits. The session is
   * not revoked, the bot's row (settings, `knowledge_version`) and its signing secrets, one
   * statement (`chat-caller-read.ts`; on SQLite the secrets come from the signing keys' cache
   * instead while nothing is committed elsewhere); the contact with its open conversation; the
   * message, one INSERT, whose trigger moves its conversation (migration 008; the statement
   * updates the conversation too only when the identity badge changes); and the bot's reply,
   * likewise, its knowledge from the bot's index (read again only when `knowledge_version`
   * moved). A first message, or new details, writes the contact, the conversation and the
   * message in one transaction instead.
   */
  postMessage(
    caller: ChatCaller,
    input: { clientMessageId: string; text: string },
  ): Promise<{ message: ChatMessage; duplicate: boolean }>;
  /** Ends every session of the caller's family, on every instance (docs/contract.md §10). */
  logout(caller: ChatCaller): Promise<void>;
}

/** The widget's chat flows, callable without HTTP. */
export function createChatService(deps: ChatServiceDeps): ChatService {
  const { db, dialect, store, now } = deps;

  async function enforceRate(caller: ChatCaller, nowMs: number): Promise<void> {
    // Every key of the visitor in one call: one round trip to Redis (`countPerMinute`).
    const keys = visitorKeys(caller.session).map((key) => `chat-messages:${key}`);
    const rate = await countPerMinute(store, keys, MESSAGES_PER_MINUTE, nowMs);
    if (rate.limited) {
      throw new HilalError('rate_limited', { 'Retry-After': String(rate.retryAfterS) });
    }
  }

  return {
    async history(caller) {
      const { organizationId } = caller.session;
      // A read: it finds the caller's contact but does not create one.
      const conversation = (await findCallerConversation(db, caller))?.conversation;
      const messages = conversation ? await listMessages(db, organizationId, conversation.id) : [];
      return {
        identity: caller.identity,
        name: caller.identity === 'anonymous' ? null : caller.session.name,
        conversationId: conversation?.id ?? null,
        messages,
      };
    },

    async postMessage(caller, input) {
      const text = readMessageText(input.text);
      const nowMs = now();
      // The rate check (Redis) and the read of the caller's conversation (the database) wait for
      // each other's round trip only once: both are issued at once, and the check still decides
      // first (a limited message is refused whatever the read found, and stores nothing).
      const [rate, read] = await Promise.allSettled([
        enforceRate(caller, nowMs),
        findCallerConversation(db, caller),
      ]);
      if (rate.status === 'rejected') throw rate.reason;
      if (read.status === 'rejected') throw read.reason;
      const { organizationId, chatbotId } = caller.session;
      const { contact, conversation, stored } = await storeVisitorMessage(
        db,
        dialect,
        caller,
        { clientMessageId: input.clientMessageId, text },
        nowMs,
        read.value,
      );
      if (stored.duplicate) return stored;

      // Issued together, the events leave for Redis in one write, and the bot's first event
      // (typing) follows them on the same connection, so the stream keeps their order.
      const published = Promise.all([
        publishChatEvent(store, contact.id, { type: 'message', message: stored.message }),
        publishInboxActivity(store, organizationId, {
          conversationId: conversation.id,
          lastActivityAt: nowMs,
        }),
      ]);
      // The bot answers while it has the conversation. Once it is handed to a human, it only
      // acknowledges the follow-up email it asked an unverified visitor for.
      const followUpOnly =
        conversation.status !== 'bot' &&
        caller.identity !== 'verified' &&
        findEmailAddress(text) !== undefined;
      if (conversation.status === 'bot' || followUpOnly) {
        deps.replies.respond({
          followUpOnly,
          organizationId,
          chatbotId,
          botName: caller.botName,
          conversation,
          contact,
          identity: caller.identity,
          text,
          knowledgeVersion: caller.knowledgeVersion,
          ...replyIdentity(caller),
        });
      }
      await published;
      return stored;
    },

    async logout(caller) {
      const { session } = caller;
      await deps.sessions.endFamily(session, now());
      await store.publish(familyChannel(session.familyId), 'logout');
    },
  };
}

/**
 * What the responder may know of the caller (docs/contract.md §6): verified claims as fact, and what an
 * unverified visitor said only as self-reported.
 */
function replyIdentity(caller: ChatCaller): Pick<ReplyContext, 'verified' | 'selfReported'> {
  const { session, identity } = caller;
  const details = { name: session.name ?? undefined, email: session.email ?? undefined };
  if (identity === 'verified' && session.sub !== null)
    return { verified: { sub: session.sub, ...details } };
  if (identity === 'self-reported') return { selfReported: details };
  return {};
}
