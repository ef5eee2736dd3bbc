import type { Kysely } from 'kysely';
import type { Dialect } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { ChatCaller } from './chat-auth.js';
import { type CallerConversation, upsertCallerContact } from './chat-contacts.js';
import type { Contact } from './contacts-repository.js';
import {
  type Conversation,
  createConversation,
  findOpenConversation,
} from './conversations-repository.js';
import { type ChatMessage, type NewMessage, storeMessage } from './messages-repository.js';

export interface StoredVisitorMessage {
  readonly contact: Contact;
  readonly conversation: Conversation;
  readonly stored: { message: ChatMessage; duplicate: boolean };
}

/**
 * Stores a visitor's message in the caller's open conversation, with the fewest statements that
 * keep it right. Most messages go to an open conversation of a contact that is up to date: one
 * read (`found`, what `findCallerConversation` read for this caller just before: the chat service
 * reads it while the rate limit is checked), then the message, whose insert moves its
 * conversation's activity (`storeMessage`). The first message, or new details, writes the
 * contact first, in a transaction that also opens the conversation: that write holds the
 * contact's row until commit, so two messages at once can never open two conversations.
 */
export async function storeVisitorMessage(
  db: Kysely<Database>,
  dialect: Dialect,
  caller: ChatCaller,
  input: { clientMessageId: string; text: string },
  now: number,
  found: CallerConversation | undefined,
): Promise<StoredVisitorMessage> {
  const { organizationId, chatbotId } = caller.session;
  const message = (conversationId: string): NewMessage => ({
    organizationId,
    conversationId,
    clientMessageId: input.clientMessageId,
    author: 'visitor',
    text: input.text,
    identitySource: caller.identity,
  });
  // The identity badge is written only when it changes (the activity moves with the insert).
  const changes = (conversation: Conversation | undefined) =>
    conversation === undefined || conversation.identity === caller.identity
      ? {}
      : { identity: caller.identity };

  if (found?.current && found.conversation !== undefined) {
    const { contact, conversation } = found;
    const stored = await storeMessage(
      db,
      dialect,
      message(conversation.id),
      changes(conversation),
      now,
    );
    return { contact, conversation, stored };
  }
  return db.transaction().execute(async (trx) => {
    const contact = await upsertCallerContact(trx, caller, now);
    const open = await findOpenConversation(trx, organizationId, contact.id);
    const conversation =
      open ??
      (await createConversation(
        trx,
        { organizationId, chatbotId, contactId: contact.id, identity: caller.identity },
        now,
      ));
    // A conversation created just now already holds the caller's identity.
    const stored = await storeMessage(trx, dialect, message(conversation.id), changes(open), now);
    return { contact, conversation, stored };
  });
}
