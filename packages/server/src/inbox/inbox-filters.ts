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

export type InboxFilters = Pick<InboxListQuery, 'status' | 'identity' | 'assignee' | 'botId' | 'q'>;

/** The filters that have counts; each facet's counts ignore that facet's own filter. */
export type InboxFacet = 'status' | 'identity' | 'assignee';

const conversations = () => expressionBuilder<Database, 'conversations'>();

/**
 * The conditions on `conversations` for `filters`, without `omit`'s. Tenancy comes first; the
 * search is a subquery on the organization's contacts, so a count needs no join.
 */
export function inboxConditions(
  viewer: InboxViewer,
  filters: InboxFilters,
  omit?: InboxFacet,
): Expression<SqlBool>[] {
  const eb = conversations();
  const conditions = [inOrganization('conversations', viewer.organizationId)];
  if (filters.botId !== undefined) {
    conditions.push(eb('conversations.chatbot_id', '=', filters.botId));
  }
  if (omit !== 'status' && filters.status !== undefined) {
    conditions.push(
      filters.status === 'closed'
        ? eb('conversations.status', '=', 'closed')
        : eb('conversations.status', 'in', ['bot', 'human']),
    );
  }
  if (omit !== 'identity' && filters.identity !== undefined) {
    conditions.push(eb('conversations.identity', '=', filters.identity));
  }
  if (omit !== 'assignee' && filters.assignee === 'mine') {
    conditions.push(eb('conversations.assignee_id', '=', viewer.userId));
  } else if (omit !== 'assignee' && filters.assignee === 'unassigned') {
    conditions.push(eb('conversations.assignee_id', 'is', null));
  }
  const q = filters.q?.trim();
  if (q) {
    const pattern = `%${escapeLike(q)}%`;
    const contains = (column: string) =>
      sql<SqlBool>`lower(${sql.ref(column)}) like lower(${pattern}) escape '\\'`;
    conditions.push(
      eb(
        'conversations.contact_id',
        'in',
        eb
          .selectFrom('contacts')
          .select('contacts.id')
          .where(inOrganization('contacts', viewer.organizationId))
          .where((c) =>
            c.or([contains('contacts.name'), contains('contacts.email'), contains('contacts.sub')]),
          ),
      ),
    );
  }
  return conditions;
}

/** `%`, `_` and the escape character itself match literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
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
 * Whether the conversation has a visitor message after what the viewer has read: one probe of
 * `messages_conversation_author_seq` per conversation.
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
  return eb.exists(
    eb
      .selectFrom('messages')
      .select(sql.lit(1).as('one'))
      .whereRef('messages.conversation_id', '=', 'conversations.id')
      .where('messages.author', '=', 'visitor')
      .where(inOrganization('messages', viewer.organizationId))
      .where(sql<SqlBool>`${sql.ref('messages.seq')} > coalesce((${lastRead}), 0)`),
  );
}
