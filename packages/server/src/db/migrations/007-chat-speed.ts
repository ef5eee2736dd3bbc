import type { Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.js';

/**
 * The widget's message path at any size of organization (README "Performance"; checked with
 * EXPLAIN in test/chat-plan.test.ts):
 *
 * - The lookup of a contact's open conversation names the contact and the organization, and
 *   orders by activity. Against `(contact_id, last_activity_at)`, SQLite without statistics
 *   preferred the inbox's `(organization_id, last_activity_at, id)`, which serves the order, and
 *   walked all of the organization's conversations. This index has both columns as its equality
 *   prefix and then the query's exact order, so it wins with statistics or without.
 *   `conversations_contact` stays: narrower, it is what PostgreSQL joins the inbox's search
 *   results through (test/inbox-plan.test.ts).
 * - `chatbots.knowledge_version` moves whenever a bot's knowledge entries change, so every
 *   instance can keep the bot's search index and rebuild it only then (the chat API reads the
 *   bot's row on each request anyway).
 */
// biome-ignore lint/suspicious/noExplicitAny: a migration describes the schema as it was then, not today's types (Kysely's advice).
export async function up(db: Kysely<any>, _context: MigrationContext): Promise<void> {
  await db.schema
    .createIndex('conversations_contact_org')
    .on('conversations')
    .columns(['contact_id', 'organization_id', 'last_activity_at desc', 'id'])
    .execute();
  await db.schema
    .alterTable('chatbots')
    .addColumn('knowledge_version', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
}
