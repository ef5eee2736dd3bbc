import type { InboxListQuery } from '@hilal/contract';
import {
  type Expression,
  type ExpressionWrapper,
  expressionBuilder,
  type SqlBool,
  sql,
} from 'kysely';
import type { Database } from '../db/schema.js';
import { inOrganization } from '../db/tenancy.js';
import type { InboxCursor } from './inbox-cursor.js';

/** Who is looking: the organization scopes everything, the user decides "mine" and unread. */
export interface InboxViewer {
  readonly organizationId: string;
  readonly userId: string;
}

/**
 * The list's filters; the search arrives as its condition on the joined `contacts`
 * (`contactMatches`), which depends on the database.
 */
export type InboxFilters = Pick<InboxListQuery, 'status' | 'identity' | 'assignee' | 'botId'> & {
  readonly search?: Expression<SqlBool> | undefined;
};

const conversations = () => expressionBuilder<Database, 'conversations'>();

/**
 * The conditions on `conversations` for `filters`. Tenancy comes first, except with a search:
 * then the conversations are reached through the organization's contacts (both the list and
 * the counts join them, scoped), so that the database starts from the few matches instead of
 * walking the organization's conversations newest first, which SQLite, without statistics,
 * would otherwise choose for the order (checked in test/inbox-plan.test.ts).
 */
export function inboxConditions(viewer: InboxViewer, filters: InboxFilters): Expression<SqlBool>[] {
  const eb = conversations();
  const conditions =
    filters.search === undefined ? [inOrganization('conversations', viewer.organizationId)] : [];
  if (filters.botId !== undefined) {
    conditions.push(eb('conversations.chatbot_id', '=', filters.botId));
  }
  if (filters.status !== undefined) {
    conditions.push(
      filters.status === 'closed'
        ? eb('conversations.status', '=', 'closed')
        : eb('conversations.status', 'in', ['bot', 'human']),
    );
  }
  if (filters.identity !== undefined) {
    conditions.push(eb('conversations.identity', '=', filters.identity));
  }
  if (filters.assignee === 'mine') {
    conditions.push(eb('conversations.assignee_id', '=', viewer.userId));
  } else if (filters.assignee === 'unassigned') {
    conditions.push(eb('conversations.assignee_id', 'is', null));
  }
  if (filters.search !== undefined) conditions.push(filters.search);
  return conditions;
}

/** After the cursor in the list's order (newest activity first, then id descending). */
export function afterCursor(cursor: InboxCursor): Expression<SqlBool> {
  const eb = conversations();
  return eb(
    eb.refTuple('conversations.last_activity_at', 'conversations.id'),
    '<',
    eb.tuple(cursor.lastActivityAt, cursor.id),
  );
}

/**
 * Whether the conversation has a visitor message after what the viewer has read: its newest
 * visitor message's seq against the viewer's read mark, one primary-key probe.
 */
export function unreadBy(
  viewer: InboxViewer,
): ExpressionWrapper<Database, 'conversations', SqlBool> {
  const eb = conversations();
  const lastRead = eb
    .selectFrom('conversation_reads')
    .select('conversation_reads.last_read_seq')
    .whereRef('conversation_reads.conversation_id', '=', 'conversations.id')
    .where('conversation_reads.user_id', '=', viewer.userId);
  return eb(sql.ref('conversations.last_visitor_seq'), '>', sql`coalesce((${lastRead}), 0)`);
}
