import type { Kysely, Selectable } from 'kysely';
import type {
  ConversationStatus,
  ConversationsTable,
  Database,
  IdentityState,
} from '../db/schema.js';
import { inOrganization } from '../db/tenancy.js';
import { newId } from '../ids.js';
import type { Contact, ContactKey } from './contacts-repository.js';

export interface Conversation {
  readonly id: string;
  readonly contactId: string;
  readonly status: ConversationStatus;
  readonly identity: IdentityState;
}

const COLUMNS = ['id', 'contact_id', 'status', 'identity'] as const;

function toConversation(row: Pick<Selectable<ConversationsTable>, (typeof COLUMNS)[number]>) {
  return { id: row.id, contactId: row.contact_id, status: row.status, identity: row.identity };
}

/**
 * The contact's most recently active conversation that is not closed, read from
 * `conversations_contact_org` (migration 007) in this order, whatever the organization's size.
 */
export async function findOpenConversation(
  db: Kysely<Database>,
  organizationId: string,
  contactId: string,
): Promise<Conversation | undefined> {
  const row = await db
    .selectFrom('conversations')
    .select(COLUMNS)
    .where(inOrganization('conversations', organizationId))
    .where('contact_id', '=', contactId)
    .where('status', '!=', 'closed')
    .orderBy('last_activity_at', 'desc')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return row && toConversation(row);
}

/**
 * The bot's contact with that `sub` or that browser, and its open conversation (as
 * `findOpenConversation` picks it), in one query: what a widget message reads before it writes.
 */
export async function findContactWithOpenConversation(
  db: Kysely<Database>,
  key: ContactKey,
  by: 'sub' | 'visitor_id',
  value: string,
): Promise<{ contact: Contact; conversation: Conversation | undefined } | undefined> {
  const row = await db
    .selectFrom('contacts')
    .leftJoin('conversations as open', (join) =>
      join.on((eb) =>
        eb(
          'open.id',
          '=',
          eb
            .selectFrom('conversations')
            .select('conversations.id')
            .where(inOrganization('conversations', key.organizationId))
            .whereRef('conversations.contact_id', '=', 'contacts.id')
            .where('conversations.status', '!=', 'closed')
            .orderBy('conversations.last_activity_at', 'desc')
            .orderBy('conversations.id')
            .limit(1),
        ),
      ),
    )
    .select([
      'contacts.id',
      'contacts.kind',
      'contacts.name',
      'contacts.email',
      'open.id as conversation_id',
      'open.status',
      'open.identity',
    ])
    .where(inOrganization('contacts', key.organizationId))
    .where('contacts.chatbot_id', '=', key.chatbotId)
    .where(`contacts.${by}`, '=', value)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const contact: Contact = { id: row.id, kind: row.kind, name: row.name, email: row.email };
  const conversation =
    row.conversation_id !== null && row.status !== null && row.identity !== null
      ? { id: row.conversation_id, contactId: row.id, status: row.status, identity: row.identity }
      : undefined;
  return { contact, conversation };
}

export async function createConversation(
  db: Kysely<Database>,
  values: { organizationId: string; chatbotId: string; contactId: string; identity: IdentityState },
  now: number,
): Promise<Conversation> {
  const conversation: Conversation = {
    id: newId('cnv'),
    contactId: values.contactId,
    status: 'bot',
    identity: values.identity,
  };
  await db
    .insertInto('conversations')
    .values({
      id: conversation.id,
      organization_id: values.organizationId,
      chatbot_id: values.chatbotId,
      contact_id: values.contactId,
      identity: values.identity,
      status: 'bot',
      created_at: now,
      last_activity_at: now,
    })
    .execute();
  return conversation;
}

export async function touchConversation(
  db: Kysely<Database>,
  organizationId: string,
  conversationId: string,
  changes: { identity?: IdentityState; status?: ConversationStatus },
  now: number,
): Promise<void> {
  await db
    .updateTable('conversations')
    .set({ last_activity_at: now, ...changes })
    .where(inOrganization('conversations', organizationId))
    .where('id', '=', conversationId)
    .execute();
}

/** Moves a browser's conversations to the verified contact that browser just signed in as. */
export async function moveConversations(
  db: Kysely<Database>,
  organizationId: string,
  fromContactId: string,
  toContactId: string,
): Promise<number> {
  const result = await db
    .updateTable('conversations')
    .set({ contact_id: toContactId })
    .where(inOrganization('conversations', organizationId))
    .where('contact_id', '=', fromContactId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
