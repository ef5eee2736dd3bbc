import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { inOrganization } from '../db/tenancy.js';

/** Conversations with their contacts, both scoped to the organization. */
function inboxRows(db: Kysely<Database>, organizationId: string) {
  return db
    .selectFrom('conversations')
    .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
    .select([
      'conversations.id',
      'conversations.chatbot_id',
      'conversations.contact_id',
      'conversations.status',
      'conversations.identity',
      'conversations.last_activity_at',
      'contacts.kind',
      'contacts.sub',
      'contacts.name',
      'contacts.email',
    ])
    .where(inOrganization('conversations', organizationId))
    .where(inOrganization('contacts', organizationId));
}

type InboxRow = Awaited<ReturnType<ReturnType<typeof inboxRows>['executeTakeFirstOrThrow']>>;

function toInboxConversation(row: InboxRow) {
  return {
    id: row.id,
    botId: row.chatbot_id,
    contactId: row.contact_id,
    status: row.status,
    badge: row.identity,
    lastActivityAt: Number(row.last_activity_at),
    contact: describeContact(row),
  };
}

/** The agent inbox: newest activity first, each with its identity badge (docs/contract.md §7). */
export async function listInboxConversations(
  db: Kysely<Database>,
  organizationId: string,
  limit: number,
) {
  const rows = await inboxRows(db, organizationId)
    .orderBy('conversations.last_activity_at', 'desc')
    .orderBy('conversations.id')
    .limit(limit)
    .execute();
  return rows.map(toInboxConversation);
}

export async function findInboxConversation(
  db: Kysely<Database>,
  organizationId: string,
  conversationId: string,
) {
  const row = await inboxRows(db, organizationId)
    .where('conversations.id', '=', conversationId)
    .executeTakeFirst();
  return row && toInboxConversation(row);
}

/** Verified claims are shown as such; anything else a visitor said is labelled self-reported. */
function describeContact(row: InboxRow) {
  return row.kind === 'verified'
    ? {
        kind: 'verified' as const,
        verifiedClaims: { sub: row.sub, name: row.name, email: row.email },
      }
    : { kind: 'visitor' as const, selfReported: { name: row.name, email: row.email } };
}
