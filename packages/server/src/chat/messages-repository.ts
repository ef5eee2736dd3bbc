import { type Kysely, type QueryCreator, type Selectable, sql } from 'kysely';
import type { Dialect } from '../db/database.js';
import { prepareQuery, prepareQueryVariants } from '../db/prepared-query.js';
import type {
  ConversationStatus,
  Database,
  IdentityState,
  MessageAuthor,
  MessagesTable,
} from '../db/schema.js';
import { inOrganization } from '../db/tenancy.js';
import { newId } from '../ids.js';
import {
  changeColumns,
  type TouchValues,
  type TouchVariant,
  touchVariant,
  updateConversation,
} from './conversations-repository.js';

/** A message as the widget and the dashboard see it (docs/widget-api.md). */
export interface ChatMessage {
  readonly id: string;
  readonly seq: number;
  readonly conversationId: string;
  readonly clientMessageId: string | null;
  readonly author: MessageAuthor;
  readonly text: string;
  readonly identitySource: IdentityState;
  readonly createdAt: number;
}

const COLUMNS = [
  'seq',
  'id',
  'conversation_id',
  'client_message_id',
  'author',
  'text',
  'identity_source',
  'created_at',
] as const;

type Row = Pick<Selectable<MessagesTable>, (typeof COLUMNS)[number]>;

function toMessage(row: Row): ChatMessage {
  return {
    id: row.id,
    seq: Number(row.seq),
    conversationId: row.conversation_id,
    clientMessageId: row.client_message_id,
    author: row.author,
    text: row.text,
    identitySource: row.identity_source,
    createdAt: Number(row.created_at),
  };
}

export interface NewMessage {
  /** Chosen ahead when the reply was streamed under this id. */
  readonly id?: string;
  readonly organizationId: string;
  readonly conversationId: string;
  readonly clientMessageId: string | null;
  readonly author: MessageAuthor;
  readonly text: string;
  readonly identitySource: IdentityState;
}

/**
 * What a message changes on its conversation besides its activity, which the database moves
 * itself (migration 008): only what differs from the conversation's current values.
 */
export interface ConversationTouch {
  readonly identity?: IdentityState;
  readonly status?: ConversationStatus;
}

/**
 * Stores a message. Its insert's trigger moves the conversation's `last_activity_at` (and, for a
 * visitor's message, `last_visitor_seq`), so a message that changes nothing else is one INSERT.
 * `changes` are written with the message as one write: on PostgreSQL one statement, a
 * data-modifying WITH; on SQLite one transaction (or the caller's). A retried send (same
 * conversation and client message id) returns the stored message instead and leaves the
 * conversation alone.
 */
export async function storeMessage(
  db: Kysely<Database>,
  dialect: Dialect,
  message: NewMessage,
  changes: ConversationTouch,
  now: number,
): Promise<{ message: ChatMessage; duplicate: boolean }> {
  const values: StoreValues = {
    ...message,
    id: message.id ?? newId('msg'),
    now,
    ...changes,
  };
  const variant = touchVariant(changes);
  let inserted: Row | undefined;
  if (variant === 'activity') {
    inserted = await insertMessageQuery.takeFirst(db, values);
  } else if (dialect === 'postgres') {
    inserted = await insertAndTouchQuery.takeFirst(db, variant, values);
  } else {
    const write = async (trx: Kysely<Database>) => {
      const row = await insertMessageQuery.takeFirst(trx, values);
      if (row !== undefined) await changeConversationQuery.execute(trx, variant, values);
      return row;
    };
    inserted = db.isTransaction ? await write(db) : await db.transaction().execute(write);
  }
  if (inserted !== undefined) return { message: toMessage(inserted), duplicate: false };
  const stored = await findByClientId(
    db,
    message.organizationId,
    message.conversationId,
    message.clientMessageId ?? '',
  );
  if (!stored) throw new Error('message neither inserted nor found');
  return { message: stored, duplicate: true };
}

/** A stored message's values and its conversation's changes, as the prepared queries name them. */
type StoreValues = Omit<NewMessage, 'id'> & { readonly id: string } & TouchValues;

function insertMessage(db: QueryCreator<Database>, p: StoreValues) {
  return db
    .insertInto('messages')
    .values({
      id: p.id,
      organization_id: p.organizationId,
      conversation_id: p.conversationId,
      client_message_id: p.clientMessageId,
      author: p.author,
      text: p.text,
      identity_source: p.identitySource,
      created_at: p.now,
    })
    .onConflict((oc) => oc.columns(['conversation_id', 'client_message_id']).doNothing())
    .returning(COLUMNS);
}

const insertMessageQuery = prepareQuery((db: Kysely<Database>, p: StoreValues) =>
  insertMessage(db, p),
);

/** PostgreSQL: the insert and the conversation's changes in one statement, a data-modifying WITH. */
const insertAndTouchQuery = prepareQueryVariants(
  (db: Kysely<Database>, p: StoreValues, variant: TouchVariant) =>
    db
      .with('stored', (trx) => insertMessage(trx, p))
      // With the activity, so that the trigger's own update of the row finds nothing to change.
      // Not when the insert stored nothing: a retry leaves the conversation as it was.
      .with('touched', (trx) =>
        trx
          .updateTable('conversations')
          .set({ ...changeColumns(p, variant), last_activity_at: p.now })
          .where(inOrganization('conversations', p.organizationId))
          .where('id', '=', p.conversationId)
          .where(sql<boolean>`exists (select 1 from stored)`)
          .returning('conversations.id'),
      )
      .selectFrom('stored')
      .selectAll(),
);

/**
 * SQLite: the conversation's changes after the insert, whose trigger has moved the activity
 * already: the update names only the changes, so that SQLite leaves the indexes of the other
 * columns alone.
 */
const changeConversationQuery = prepareQueryVariants(
  (db: Kysely<Database>, p: StoreValues, variant: TouchVariant) =>
    updateConversation(db, p, changeColumns(p, variant)),
);

async function findByClientId(
  db: Kysely<Database>,
  organizationId: string,
  conversationId: string,
  clientMessageId: string,
) {
  const row = await db
    .selectFrom('messages')
    .select(COLUMNS)
    .where(inOrganization('messages', organizationId))
    .where('conversation_id', '=', conversationId)
    .where('client_message_id', '=', clientMessageId)
    .executeTakeFirst();
  return row && toMessage(row);
}

/** The conversation's messages after `afterSeq`, oldest first, at most `limit` (the newest ones). */
export async function listMessages(
  db: Kysely<Database>,
  organizationId: string,
  conversationId: string,
  options: { afterSeq?: number; limit?: number } = {},
): Promise<ChatMessage[]> {
  const rows = await listMessagesQuery.rows(db, {
    organizationId,
    conversationId,
    afterSeq: options.afterSeq ?? 0,
    limit: options.limit ?? 200,
  });
  return rows.reverse().map(toMessage);
}

const listMessagesQuery = prepareQuery(
  (
    db: Kysely<Database>,
    p: { organizationId: string; conversationId: string; afterSeq: number; limit: number },
  ) =>
    db
      .selectFrom('messages')
      .select(COLUMNS)
      .where(inOrganization('messages', p.organizationId))
      .where('conversation_id', '=', p.conversationId)
      .where('seq', '>', p.afterSeq)
      .orderBy('seq', 'desc')
      .limit(p.limit),
);
