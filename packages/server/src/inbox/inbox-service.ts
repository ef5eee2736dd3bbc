import type { Kysely } from 'kysely';
import { publishChatEvent } from '../chat/chat-events.js';
import { touchConversation } from '../chat/conversations-repository.js';
import { readMessageText } from '../chat/message-text.js';
import { type ChatMessage, insertMessage, listMessages } from '../chat/messages-repository.js';
import type { Database } from '../db/schema.js';
import { HilalError } from '../errors.js';
import type { Store } from '../store/store.js';
import { findInboxConversation, listInboxConversations } from './inbox-repository.js';

type InboxConversation = NonNullable<Awaited<ReturnType<typeof findInboxConversation>>>;

export interface InboxServiceDeps {
  readonly db: Kysely<Database>;
  readonly store: Store;
  readonly now: () => number;
}

export interface InboxService {
  list(organizationId: string, limit: number): Promise<InboxConversation[]>;
  thread(
    organizationId: string,
    conversationId: string,
  ): Promise<{ conversation: InboxConversation; messages: ChatMessage[] }>;
  /** An agent's reply: stored, sent live to the widget, and the bot stops answering there. */
  reply(organizationId: string, conversationId: string, text: string): Promise<ChatMessage>;
  /** Closes: the visitor's next message opens a new conversation, which the bot answers. */
  close(organizationId: string, conversationId: string): Promise<InboxConversation>;
}

/** The agent's inbox flows (docs/contract.md §7), always within the agent's organization. */
export function createInboxService(deps: InboxServiceDeps): InboxService {
  const { db, store, now } = deps;

  async function conversationOf(organizationId: string, conversationId: string) {
    const conversation = await findInboxConversation(db, organizationId, conversationId);
    if (conversation === undefined) throw new HilalError('conversation_not_found');
    return conversation;
  }

  return {
    list: (organizationId, limit) => listInboxConversations(db, organizationId, limit),

    async thread(organizationId, conversationId) {
      const conversation = await conversationOf(organizationId, conversationId);
      const messages = await listMessages(db, organizationId, conversation.id, { limit: 500 });
      return { conversation, messages };
    },

    async reply(organizationId, conversationId, rawText) {
      const text = readMessageText(rawText);
      const conversation = await conversationOf(organizationId, conversationId);
      const nowMs = now();
      const message = await db.transaction().execute(async (trx) => {
        const { message } = await insertMessage(
          trx,
          {
            organizationId,
            conversationId: conversation.id,
            clientMessageId: null,
            author: 'agent',
            text,
            identitySource: conversation.badge,
          },
          nowMs,
        );
        // A human has taken over: the bot stops answering in this conversation.
        await touchConversation(trx, organizationId, conversation.id, { status: 'human' }, nowMs);
        return message;
      });
      await publishChatEvent(store, conversation.contactId, { type: 'message', message });
      return message;
    },

    async close(organizationId, conversationId) {
      const conversation = await conversationOf(organizationId, conversationId);
      await touchConversation(db, organizationId, conversation.id, { status: 'closed' }, now());
      return { ...conversation, status: 'closed' as const };
    },
  };
}
