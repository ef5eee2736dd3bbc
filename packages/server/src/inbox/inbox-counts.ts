import type { InboxCounts } from '@hilal/contract';
import { type Kysely, sql } from 'kysely';
import type { ConversationStatus, Database, IdentityState } from '../db/schema.js';
import { inOrganization } from '../db/tenancy.js';
import { type InboxFilters, type InboxViewer, inboxConditions } from './inbox-filters.js';

type Assigned = 'mine' | 'unassigned' | 'other';

/** Conversations of one status, identity and assignment (relative to the viewer). */
interface CountGroup {
  readonly status: ConversationStatus;
  readonly identity: IdentityState;
  readonly assigned: Assigned;
  readonly conversations: number;
}

/** Each faceted filter, once: whether a group passes it. */
const FACETS = {
  status: (g: CountGroup, f: InboxFilters) =>
    f.status === undefined || (f.status === 'closed') === (g.status === 'closed'),
  identity: (g: CountGroup, f: InboxFilters) =>
    f.identity === undefined || f.identity === g.identity,
  assignee: (g: CountGroup, f: InboxFilters) =>
    f.assignee === undefined || f.assignee === 'all' || f.assignee === g.assigned,
} as const;

type Facet = keyof typeof FACETS;

/**
 * The counts beside each filter, each under the other filters ("Verified (12)"). Without a
 * search they add up `inbox_counts` (a few rows per chatbot, kept by migration 006's triggers);
 * with one, the matching conversations, found through the search index.
 */
export async function countInbox(
  db: Kysely<Database>,
  viewer: InboxViewer,
  filters: InboxFilters,
): Promise<InboxCounts> {
  const groups =
    filters.search === undefined
      ? await summaryGroups(db, viewer, filters.botId)
      : await searchGroups(db, viewer, filters);
  const count = (omit: Facet, test: (g: CountGroup) => boolean) => {
    let total = 0;
    for (const g of groups) {
      const others = (Object.keys(FACETS) as Facet[]).every(
        (facet) => facet === omit || FACETS[facet](g, filters),
      );
      if (others && test(g)) total += g.conversations;
    }
    return total;
  };
  return {
    status: {
      open: count('status', (g) => g.status !== 'closed'),
      closed: count('status', (g) => g.status === 'closed'),
    },
    identity: {
      verified: count('identity', (g) => g.identity === 'verified'),
      'self-reported': count('identity', (g) => g.identity === 'self-reported'),
      anonymous: count('identity', (g) => g.identity === 'anonymous'),
    },
    assignee: {
      mine: count('assignee', (g) => g.assigned === 'mine'),
      unassigned: count('assignee', (g) => g.assigned === 'unassigned'),
      all: count('assignee', () => true),
    },
  };
}

/** Who a group is assigned to, seen by the viewer; `inbox_counts` writes unassigned as `''`. */
function assignedOf(assignee: string | null, viewer: InboxViewer): Assigned {
  if (assignee === viewer.userId) return 'mine';
  return assignee === null || assignee === '' ? 'unassigned' : 'other';
}

async function summaryGroups(
  db: Kysely<Database>,
  viewer: InboxViewer,
  botId: string | undefined,
): Promise<CountGroup[]> {
  const rows = await db
    .selectFrom('inbox_counts')
    .select((eb) => [
      'status',
      'identity',
      'assignee',
      eb.fn.sum<number>('conversations').as('conversations'),
    ])
    .where(inOrganization('inbox_counts', viewer.organizationId))
    .$if(botId !== undefined, (q) => q.where('chatbot_id', '=', botId ?? ''))
    .groupBy(['status', 'identity', 'assignee'])
    .execute();
  return rows.map((row) => ({
    status: row.status,
    identity: row.identity,
    assigned: assignedOf(row.assignee, viewer),
    conversations: Number(row.conversations),
  }));
}

async function searchGroups(
  db: Kysely<Database>,
  viewer: InboxViewer,
  filters: InboxFilters,
): Promise<CountGroup[]> {
  const rows = await db
    .selectFrom('conversations')
    .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
    .select((eb) => [
      'conversations.status',
      'conversations.identity',
      'conversations.assignee_id',
      eb.fn.countAll<number>().as('conversations'),
    ])
    .where(inOrganization('contacts', viewer.organizationId))
    .where((eb) =>
      eb.and(inboxConditions(viewer, { botId: filters.botId, search: filters.search })),
    )
    .groupBy(['conversations.status', 'conversations.identity', 'conversations.assignee_id'])
    .execute();
  return rows.map((row) => ({
    status: row.status,
    identity: row.identity,
    assigned: assignedOf(row.assignee_id, viewer),
    conversations: Number(row.conversations),
  }));
}

/**
 * Open conversations of the organization that the viewer has unread (the tab title): those with
 * a visitor message, less those the viewer has read up to their newest one. One statement, so
 * that both counts see the same moment.
 */
export async function countUnread(db: Kysely<Database>, viewer: InboxViewer): Promise<number> {
  const row = await db
    .selectNoFrom((eb) => [
      eb
        .selectFrom('inbox_counts')
        .select((q) => q.fn.coalesce(q.fn.sum<number>('visitor_written'), sql.lit(0)).as('n'))
        .where(inOrganization('inbox_counts', viewer.organizationId))
        .where('status', '!=', 'closed')
        .as('written'),
      eb
        .selectFrom('conversation_reads')
        .select((q) => q.fn.countAll<number>().as('n'))
        .where(inOrganization('conversation_reads', viewer.organizationId))
        .where('user_id', '=', viewer.userId)
        // A literal, so that the partial index `conversation_reads_open_read` applies.
        .where(sql<boolean>`open_read = 1`)
        .as('read'),
    ])
    .executeTakeFirstOrThrow();
  return Number(row.written) - Number(row.read);
}
