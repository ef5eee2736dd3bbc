import type { ContactPanel, InboxThreadResponse } from '@hilal/contract';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';
import { inOrganization } from '../db/tenancy.js';
import type { InboxRow } from './inbox-repository.js';

const OTHER_CONVERSATIONS = 20;

type ContactPanelData = Pick<
  InboxThreadResponse,
  'contact' | 'otherConversations' | 'impersonationWarning'
>;

/**
 * The contact panel (docs/contract.md §7): each detail marked verified (the signed token's claims)
 * or self-reported, the contact's other conversations, and a warning when a self-reported email
 * is a verified contact's email on the same chatbot (someone may be posing as that user).
 */
export async function contactPanel(
  db: Kysely<Database>,
  organizationId: string,
  row: InboxRow,
): Promise<ContactPanelData> {
  // Through the organization's contact: a condition on `conversations.organization_id` would
  // let SQLite, without statistics, walk the organization's conversations newest first.
  const others = await db
    .selectFrom('contacts')
    .innerJoin('conversations', 'conversations.contact_id', 'contacts.id')
    .select(['conversations.id', 'conversations.status', 'conversations.last_activity_at'])
    .where(inOrganization('contacts', organizationId))
    .where('contacts.id', '=', row.contact_id)
    .where('conversations.id', '!=', row.id)
    .orderBy('conversations.last_activity_at', 'desc')
    .orderBy('conversations.id', 'desc')
    .limit(OTHER_CONVERSATIONS)
    .execute();
  return {
    contact: markDetails(row),
    otherConversations: others.map((other) => ({
      id: other.id,
      status: other.status,
      lastActivityAt: Number(other.last_activity_at),
    })),
    impersonationWarning:
      row.kind === 'visitor' &&
      row.email !== null &&
      (await hasVerifiedEmail(db, organizationId, row.chatbot_id, row.email)),
  };
}

function markDetails(row: InboxRow): ContactPanel {
  const source = row.kind === 'verified' ? ('verified' as const) : ('self-reported' as const);
  const mark = (value: string | null) => (value === null ? null : { value, source });
  return {
    id: row.contact_id,
    // A visitor's id is the browser's, not a user id: only a token names a user.
    userId: row.kind === 'verified' && row.sub !== null ? { value: row.sub, source } : null,
    name: mark(row.name),
    email: mark(row.email),
  };
}

/** Whether a verified contact of the chatbot has this email, whatever its case. */
async function hasVerifiedEmail(
  db: Kysely<Database>,
  organizationId: string,
  chatbotId: string,
  email: string,
): Promise<boolean> {
  const found = await db
    .selectFrom('contacts')
    .select('id')
    .where(inOrganization('contacts', organizationId))
    .where('chatbot_id', '=', chatbotId)
    .where('kind', '=', 'verified')
    .where(sql`lower(email)`, '=', sql`lower(${email})`)
    .limit(1)
    .executeTakeFirst();
  return found !== undefined;
}
