import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from '../migrate.js';

// biome-ignore lint/suspicious/noExplicitAny: a migration describes the schema as it was then, not today's types (Kysely's advice).
export async function up(db: Kysely<any>, _context: MigrationContext): Promise<void> {
  await db.schema
    .createTable('organizations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('users_org').on('users').column('organization_id').execute();

  await db.schema
    .createTable('chatbots')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('chatbots_org')
    .on('chatbots')
    .columns(['organization_id', 'id'])
    .execute();

  await db.schema
    .createTable('widget_secrets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('chatbot_id', 'text', (c) => c.notNull().references('chatbots.id'))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('ciphertext', 'text')
    .addColumn('preview', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('activated_at', 'bigint')
    .addColumn('activated_by', 'text')
    .addColumn('retired_at', 'bigint')
    .execute();
  // At most one active and one pending secret per bot, enforced by the database itself.
  await db.schema
    .createIndex('widget_secrets_one_active')
    .on('widget_secrets')
    .column('chatbot_id')
    .unique()
    .where(sql.ref('state'), '=', 'active')
    .execute();
  await db.schema
    .createIndex('widget_secrets_one_pending')
    .on('widget_secrets')
    .column('chatbot_id')
    .unique()
    .where(sql.ref('state'), '=', 'pending')
    .execute();

  // Widget sessions are sealed credentials (identity/widget-sessions.ts), not rows: only the
  // ones ended early (logout) are remembered, until they would have expired anyway.
  await db.schema
    .createTable('widget_session_revocations')
    .addColumn('session_id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('chatbot_id', 'text', (c) => c.notNull().references('chatbots.id'))
    .addColumn('revoked_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('bot_counters')
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('chatbot_id', 'text', (c) => c.notNull().references('chatbots.id'))
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('bucket_start', 'bigint', (c) => c.notNull())
    .addColumn('count', 'bigint', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('bot_counters_pk', ['chatbot_id', 'metric', 'bucket_start'])
    .execute();
}
