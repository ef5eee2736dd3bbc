import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { inOrganization } from '../db/tenancy.js';

/** A row of the agent inbox: newest activity first, with the identity badge (SPEC §7). */
export async function listInboxConversations(
  db: Kysely<Database>,
  organizationId: string,
  limit: number,
) {
  const rows = await db
    .selectFrom('conversations')
    .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
    .select([
      'conversations.id',
      'conversations.chatbot_id',
      'conversations.status',
      'conversations.identity',
      'conversations.last_activity_at',
      'contacts.kind',
      'contacts.sub',
      'contacts.name',
      'contacts.email',
    ])
    .where(inOrganization('conversations', organizationId))
    .where(inOrganization('contacts', organizationId))
    .orderBy('conversations.last_activity_at', 'desc')
    .orderBy('conversations.id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    botId: row.chatbot_id,
    status: row.status,
    badge: row.identity,
    lastActivityAt: Number(row.last_activity_at),
    contact: describeContact(row),
  }));
}

export async function findInboxConversation(
  db: Kysely<Database>,
  organizationId: string,
  conversationId: string,
) {
  const row = await db
    .selectFrom('conversations')
    .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
    .select([
      'conversations.id',
      'conversations.chatbot_id',
      'conversations.contact_id',
      'conversations.status',
      'conversations.identity',
      'contacts.kind',
      'contacts.sub',
      'contacts.name',
      'contacts.email',
    ])
    .where(inOrganization('conversations', organizationId))
    .where(inOrganization('contacts', organizationId))
    .where('conversations.id', '=', conversationId)
    .executeTakeFirst();
  return (
    row && {
      id: row.id,
      botId: row.chatbot_id,
      contactId: row.contact_id,
      status: row.status,
      badge: row.identity,
      contact: describeContact(row),
    }
  );
}

/** Verified claims are shown as such; anything else a visitor said is labelled self-reported. */
function describeContact(row: {
  kind: 'verified' | 'visitor';
  sub: string | null;
  name: string | null;
  email: string | null;
}) {
  return row.kind === 'verified'
    ? {
        kind: 'verified' as const,
        verifiedClaims: { sub: row.sub, name: row.name, email: row.email },
      }
    : { kind: 'visitor' as const, selfReported: { name: row.name, email: row.email } };
}
