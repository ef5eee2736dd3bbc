import type { Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.js';

/**
 * The Widget Security card (docs/contract.md §7): the audit log of secret changes, and the latest
 * verification failures of each bot (time, reason, detail and page origin; never a token).
 */
// biome-ignore lint/suspicious/noExplicitAny: a migration describes the schema as it was then, not today's types (Kysely's advice).
export async function up(db: Kysely<any>, _context: MigrationContext): Promise<void> {
  await db.schema
    .createTable('secret_audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('chatbot_id', 'text', (c) => c.notNull().references('chatbots.id'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('secret_audit_log_bot_at')
    .on('secret_audit_log')
    .columns(['chatbot_id', 'at'])
    .execute();

  await db.schema
    .createTable('verify_failures')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('chatbot_id', 'text', (c) => c.notNull().references('chatbots.id'))
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('origin', 'text')
    .execute();
  await db.schema
    .createIndex('verify_failures_bot_at')
    .on('verify_failures')
    .columns(['chatbot_id', 'at'])
    .execute();
}
