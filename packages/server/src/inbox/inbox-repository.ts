import { BADGE_SOURCES, type InboxConversation } from '@hilal/contract';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { inOrganization } from '../db/tenancy.js';
import type { InboxCursor } from './inbox-cursor.js';
import {
  afterCursor,
  type InboxFilters,
  type InboxViewer,
  inboxConditions,
  unreadBy,
} from './inbox-filters.js';

/**
 * Conversations with their contacts and assignees, scoped to the organization, with the viewer's
 * unread mark. No order: the list adds the keyset's.
 */
function inboxRows(db: Kysely<Database>, viewer: InboxViewer) {
  return db
    .selectFrom('conversations')
    .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
    .leftJoin('users', (join) =>
      join
        .onRef('users.id', '=', 'conversations.assignee_id')
        .on('users.organization_id', '=', viewer.organizationId),
    )
    .select([
      'conversations.id',
      'conversations.chatbot_id',
      'conversations.contact_id',
      'conversations.status',
      'conversations.identity',
      'conversations.last_activity_at',
      'conversations.assignee_id',
      'users.email as assignee_email',
      'contacts.kind',
      'contacts.sub',
      'contacts.name',
      'contacts.email',
      unreadBy(viewer).as('unread'),
    ])
    .where(inOrganization('contacts', viewer.organizationId));
}

export type InboxRow = Awaited<ReturnType<ReturnType<typeof inboxRows>['executeTakeFirstOrThrow']>>;

export function toInboxConversation(row: InboxRow): InboxConversation {
  return {
    id: row.id,
    botId: row.chatbot_id,
    contactId: row.contact_id,
    status: row.status,
    badge: row.identity,
    badgeSource: BADGE_SOURCES[row.identity],
    lastActivityAt: Number(row.last_activity_at),
    contact: describeContact(row),
    assignee:
      row.assignee_id !== null && row.assignee_email !== null
        ? { id: row.assignee_id, email: row.assignee_email }
        : null,
    // SQLite answers 0 or 1, PostgreSQL a boolean.
    unread: Boolean(row.unread),
  };
}

/** Verified claims are shown as such; anything else a visitor said is labelled self-reported. */
function describeContact(row: InboxRow): InboxConversation['contact'] {
  return row.kind === 'verified'
    ? { kind: 'verified', verifiedClaims: { sub: row.sub, name: row.name, email: row.email } }
    : { kind: 'visitor', selfReported: { name: row.name, email: row.email } };
}

/**
 * One page of the inbox, newest activity first; ties broken by id, so that the keyset
 * `(last_activity_at, id)` is total and every conversation appears on exactly one page.
 * Exported for the query-plan test.
 */
export function inboxPageQuery(
  db: Kysely<Database>,
  viewer: InboxViewer,
  filters: InboxFilters,
  page: { limit: number; after?: InboxCursor | undefined },
) {
  let query = inboxRows(db, viewer).where((eb) => eb.and(inboxConditions(viewer, filters)));
  if (page.after !== undefined) query = query.where(afterCursor(page.after));
  return query
    .orderBy('conversations.last_activity_at', 'desc')
    .orderBy('conversations.id', 'desc')
    .limit(page.limit);
}

export async function findInboxRow(
  db: Kysely<Database>,
  viewer: InboxViewer,
  conversationId: string,
): Promise<InboxRow | undefined> {
  return inboxRows(db, viewer)
    .where(inOrganization('conversations', viewer.organizationId))
    .where('conversations.id', '=', conversationId)
    .executeTakeFirst();
}
