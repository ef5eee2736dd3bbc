import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from '../migrate.js';

/**
 * The inbox at scale (docs/contract.md §7): who a conversation is assigned to, what each agent
 * has read, and indexes that let the list walk newest activity first with a keyset instead of
 * sorting the organization's conversations (checked with EXPLAIN in test/inbox-plan.test.ts).
 */
// biome-ignore lint/suspicious/noExplicitAny: a migration describes the schema as it was then, not today's types (Kysely's advice).
export async function up(db: Kysely<any>, _context: MigrationContext): Promise<void> {
  // A removed member's conversations become unassigned rather than blocking the removal.
  await db.schema
    .alterTable('conversations')
    .addColumn('assignee_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .execute();

  // The keyset (last_activity_at, id) after the organization, then one index per filter that
  // narrows the walk: chatbot, assignee, identity badge and status.
  await db.schema.dropIndex('conversations_inbox').execute();
  const byActivity = [
    ['conversations_activity', []],
    ['conversations_bot_activity', ['chatbot_id']],
    ['conversations_assignee_activity', ['assignee_id']],
    ['conversations_identity_activity', ['identity']],
    ['conversations_status_activity', ['status']],
  ] as const;
  for (const [name, filter] of byActivity) {
    await db.schema
      .createIndex(name)
      .on('conversations')
      .columns(['organization_id', ...filter, 'last_activity_at', 'id'])
      .execute();
  }

  // Unread: "is there a visitor message after this seq?" is one probe of this index.
  await db.schema
    .createIndex('messages_conversation_author_seq')
    .on('messages')
    .columns(['conversation_id', 'author', 'seq'])
    .execute();

  // The impersonation warning: verified contacts of a bot by email, whatever its case.
  await db.schema
    .createIndex('contacts_bot_email')
    .on('contacts')
    .columns(['chatbot_id', 'kind'])
    .expression(sql`lower(email)`)
    .execute();

  await db.schema
    .createTable('conversation_reads')
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('conversation_id', 'text', (c) =>
      c.notNull().references('conversations.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('last_read_seq', 'bigint', (c) => c.notNull())
    .addColumn('read_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('conversation_reads_pk', ['conversation_id', 'user_id'])
    .execute();
}
