import type { Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.js';

/**
 * The Widget Security card (docs/contract.md §7): the audit log of secret changes, and the latest
 * verification failures of each bot (time, reason, detail and page origin; never a token).
 */
// biome-ignore lint/suspicious/noExplicitAny: a migration describes the schema as it was then, not today's types (Kysely's advice).
export async function up(db: Kysely<any>, { dialect }: MigrationContext): Promise<void> {
  // Insertion order breaks ties between rows of the same millisecond (Regenerate and Save of
  // `hilal bot secret regenerate` are often one apart or none).
  const serialId = [
    'id',
    dialect === 'postgres' ? 'bigserial' : 'integer',
    // biome-ignore lint/suspicious/noExplicitAny: Kysely's column builder, as in 002-chat.ts
    (c: any) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()),
  ] as const;
  await db.schema
    .createTable('secret_audit_log')
    .addColumn(...serialId)
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
    .addColumn(...serialId)
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
