import { type Kysely, type Migration, Migrator } from 'kysely';
import * as identityCore from './migrations/001-identity-core.js';
import * as chat from './migrations/002-chat.js';
import * as adminSessions from './migrations/003-admin-sessions.js';
import * as inbox from './migrations/004-inbox.js';
import * as widgetSecurity from './migrations/005-widget-security.js';
import * as inboxSummary from './migrations/006-inbox-summary.js';
import * as chatSpeed from './migrations/007-chat-speed.js';
import * as messageWrites from './migrations/008-message-writes.js';

export interface MigrationContext {
  readonly dialect: 'sqlite' | 'postgres';
}

interface HilalMigration {
  // biome-ignore lint/suspicious/noExplicitAny: migrations are untyped by design
  up(db: Kysely<any>, context: MigrationContext): Promise<void>;
}

// One ordered list for both dialects; the name is what the migrations table remembers.
const MIGRATIONS: ReadonlyArray<readonly [string, HilalMigration]> = [
  ['001-identity-core', identityCore],
  ['002-chat', chat],
  ['003-admin-sessions', adminSessions],
  ['004-inbox', inbox],
  ['005-widget-security', widgetSecurity],
  ['006-inbox-summary', inboxSummary],
  ['007-chat-speed', chatSpeed],
  ['008-message-writes', messageWrites],
];

/** Applies every pending migration; returns the names applied by this call, in order. */
export async function migrateToLatest(
  // biome-ignore lint/suspicious/noExplicitAny: migrations are untyped by design
  db: Kysely<any>,
  context: MigrationContext,
): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: {
      async getMigrations() {
        const entries = MIGRATIONS.map(([name, migration]): [string, Migration] => [
          name,
          { up: (trx) => migration.up(trx, context) },
        ]);
        return Object.fromEntries(entries);
      },
    },
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    throw error instanceof Error ? error : new Error('migration failed');
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
