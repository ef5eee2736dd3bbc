import type { Kysely, Selectable } from 'kysely';
import type { Database, IdentityState, MessageAuthor, MessagesTable } from '../db/schema.js';
import { inOrganization } from '../db/tenancy.js';
import { newId } from '../ids.js';

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
 * Stores a message once: a second insert with the same conversation and client message id
 * returns the stored message instead (a retried send, docs/contract.md: never lose or double a message).
 */
export async function insertMessage(
  db: Kysely<Database>,
  message: NewMessage,
  now: number,
): Promise<{ message: ChatMessage; duplicate: boolean }> {
  if (message.clientMessageId !== null) {
    const existing = await findByClientId(
      db,
      message.organizationId,
      message.conversationId,
      message.clientMessageId,
    );
    if (existing) return { message: existing, duplicate: true };
  }
  const id = message.id ?? newId('msg');
  const inserted = await db
    .insertInto('messages')
    .values({
      id,
      organization_id: message.organizationId,
      conversation_id: message.conversationId,
      client_message_id: message.clientMessageId,
      author: message.author,
      text: message.text,
      identity_source: message.identitySource,
      created_at: now,
    })
    .onConflict((oc) => oc.columns(['conversation_id', 'client_message_id']).doNothing())
    .returning(COLUMNS)
    .executeTakeFirst();
  if (inserted) return { message: toMessage(inserted), duplicate: false };
  // Lost a race with the same retry on another request: the other one stored it.
  const stored = await findByClientId(
    db,
    message.organizationId,
    message.conversationId,
    message.clientMessageId ?? '',
  );
  if (!stored) throw new Error('message neither inserted nor found');
  return { message: stored, duplicate: true };
}

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
  const rows = await db
    .selectFrom('messages')
    .select(COLUMNS)
    .where(inOrganization('messages', organizationId))
    .where('conversation_id', '=', conversationId)
    .where('seq', '>', options.afterSeq ?? 0)
    .orderBy('seq', 'desc')
    .limit(options.limit ?? 200)
    .execute();
  return rows.reverse().map(toMessage);
}
