import type { Kysely, QueryCreator, Selectable, UpdateObject } from 'kysely';
import { prepareQuery, prepareQueryVariants } from '../db/prepared-query.js';
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
  const row = await openConversationQuery.takeFirst(db, { organizationId, contactId });
  return row && toConversation(row);
}

const openConversationQuery = prepareQuery(
  (db: Kysely<Database>, p: { organizationId: string; contactId: string }) =>
    db
      .selectFrom('conversations')
      .select(COLUMNS)
      .where(inOrganization('conversations', p.organizationId))
      .where('contact_id', '=', p.contactId)
      .where('status', '!=', 'closed')
      .orderBy('last_activity_at', 'desc')
      .orderBy('id')
      .limit(1),
);

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
  const row = await contactWithOpenConversationQuery.takeFirst(db, by, {
    organizationId: key.organizationId,
    chatbotId: key.chatbotId,
    value,
  });
  if (row === undefined) return undefined;
  const contact: Contact = { id: row.id, kind: row.kind, name: row.name, email: row.email };
  const conversation =
    row.conversation_id !== null && row.status !== null && row.identity !== null
      ? { id: row.conversation_id, contactId: row.id, status: row.status, identity: row.identity }
      : undefined;
  return { contact, conversation };
}

const contactWithOpenConversationQuery = prepareQueryVariants(
  (
    db: Kysely<Database>,
    p: { organizationId: string; chatbotId: string; value: string },
    by: 'sub' | 'visitor_id',
  ) =>
    db
      .selectFrom('contacts')
      .leftJoin('conversations as open', (join) =>
        join.on((eb) =>
          eb(
            'open.id',
            '=',
            eb
              .selectFrom('conversations')
              .select('conversations.id')
              .where(inOrganization('conversations', p.organizationId))
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
      .where(inOrganization('contacts', p.organizationId))
      .where('contacts.chatbot_id', '=', p.chatbotId)
      .where(`contacts.${by}`, '=', p.value),
);

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
  await createConversationQuery.execute(db, {
    ...values,
    conversationId: conversation.id,
    now,
  });
  return conversation;
}

const createConversationQuery = prepareQuery(
  (
    db: Kysely<Database>,
    p: {
      conversationId: string;
      organizationId: string;
      chatbotId: string;
      contactId: string;
      identity: IdentityState;
      now: number;
    },
  ) =>
    db.insertInto('conversations').values({
      id: p.conversationId,
      organization_id: p.organizationId,
      chatbot_id: p.chatbotId,
      contact_id: p.contactId,
      identity: p.identity,
      status: 'bot',
      created_at: p.now,
      last_activity_at: p.now,
    }),
);

export async function touchConversation(
  db: Kysely<Database>,
  organizationId: string,
  conversationId: string,
  changes: { identity?: IdentityState; status?: ConversationStatus },
  now: number,
): Promise<void> {
  await touchConversationQuery.execute(db, touchVariant(changes), {
    organizationId,
    conversationId,
    now,
    ...changes,
  });
}

/** What a touch sets besides `last_activity_at`: each set of columns is SQL of its own. */
export type TouchVariant = 'activity' | 'identity' | 'status' | 'identity+status';

export interface TouchValues {
  readonly organizationId: string;
  readonly conversationId: string;
  readonly now: number;
  readonly identity?: IdentityState | undefined;
  readonly status?: ConversationStatus | undefined;
}

export function touchVariant(changes: {
  identity?: IdentityState | undefined;
  status?: ConversationStatus | undefined;
}): TouchVariant {
  if (changes.identity !== undefined) {
    return changes.status !== undefined ? 'identity+status' : 'identity';
  }
  return changes.status !== undefined ? 'status' : 'activity';
}

/** A touch's SET, of a prepared query's placeholders (`touchVariant` says which columns). */
export function touchColumns(p: TouchValues, variant: TouchVariant) {
  return { last_activity_at: p.now, ...changeColumns(p, variant) };
}

/** The columns a touch changes besides `last_activity_at`, of a prepared query's placeholders. */
export function changeColumns(p: TouchValues, variant: TouchVariant) {
  return {
    ...(variant === 'identity' || variant === 'identity+status' ? { identity: p.identity } : {}),
    ...(variant === 'status' || variant === 'identity+status' ? { status: p.status } : {}),
  };
}

/**
 * The UPDATE of one conversation of the organization, setting `set`: the touch's, and the
 * changes a message makes (`messages-repository.ts`), each a prepared query of its own.
 */
export function updateConversation(
  db: QueryCreator<Database>,
  p: Pick<TouchValues, 'organizationId' | 'conversationId'>,
  set: UpdateObject<Database, 'conversations'>,
) {
  return db
    .updateTable('conversations')
    .set(set)
    .where(inOrganization('conversations', p.organizationId))
    .where('id', '=', p.conversationId);
}

const touchConversationQuery = prepareQueryVariants(
  (db: Kysely<Database>, p: TouchValues, variant: TouchVariant) =>
    updateConversation(db, p, touchColumns(p, variant)),
);

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
