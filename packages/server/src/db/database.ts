import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, type LogConfig, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { makeExistingFilePrivate, makePrivateDir, makePrivateFile } from './data-dir.js';
import { withNamedStatements } from './postgres-named-statements.js';
import { createPostgresPool } from './postgres-pool.js';
import type { Database } from './schema.js';
import { cacheStatements } from './statement-cache.js';
import { checkpointInBackground, type WalCheckpoints } from './wal-checkpoints.js';

export type Dialect = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  /**
   * SQLite's `PRAGMA data_version`: it changes whenever another connection (another server
   * process, the command line) commits. Undefined on PostgreSQL.
   */
  readonly dataVersion?: () => number;
  /** SQLite: how many statements were compiled; the rest came from the statement cache. */
  readonly statementsPrepared?: () => number;
  /** SQLite on a file: the background thread's checkpoints (see `wal-checkpoints.ts`). */
  readonly walCheckpoints?: WalCheckpoints;
  destroy(): Promise<void>;
}

export interface DatabaseOptions {
  /** Kysely's query log (tests count a request's statements with it). */
  readonly log?: LogConfig;
  /** SQLite: how often `PRAGMA optimize` runs after the one at open; 0: never. */
  readonly optimizeEveryMs?: number;
  /** SQLite: how often the background thread checkpoints the write-ahead log. */
  readonly checkpointEveryMs?: number;
}

const HOUR_MS = 3600_000;
const CHECKPOINT_EVERY_MS = 1000;

// `bigint` columns hold epoch milliseconds and counters, all far below 2^53: read them as numbers.
const PG_INT8 = 20;
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === PG_INT8) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

/**
 * Opens the database named by `url`: `sqlite:<file>` (WAL mode, created with its folder) or
 * `postgres://…`. Nothing is migrated here; see `migrateToLatest`.
 *
 * docs/contract.md §10: the SQLite file, its folder and SQLite's side files are its owner's alone.
 */
export function openDatabase(url: string, options: DatabaseOptions = {}): DatabaseHandle {
  const { log, optimizeEveryMs = HOUR_MS, checkpointEveryMs = CHECKPOINT_EVERY_MS } = options;
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const pool = createPostgresPool({ connectionString: url, types: pgTypes, max: 10 });
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: withNamedStatements(pool) }),
      ...(log && { log }),
    });
    return { db, dialect: 'postgres', destroy: () => db.destroy() };
  }
  const file = url.slice('sqlite:'.length);
  if (file !== ':memory:') makeSqliteFilesPrivate(file);
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  const walCheckpoints =
    file === ':memory:' ? undefined : checkpointInBackground(sqlite, file, checkpointEveryMs);
  const statements = cacheStatements(sqlite);
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: statements }),
    ...(log && { log }),
  });
  const dataVersion = sqlite.prepare('PRAGMA data_version').pluck();
  // SQLite plans without statistics until something runs ANALYZE; `PRAGMA optimize` runs it on
  // the tables whose size moved enough to matter, with a bounded sample (sqlite.org/pragma.html
  // #pragma_optimize: 0x10002 at open, then plain, periodically). The indexes do not need it
  // (migration 007); it keeps the rest of the plans honest. Through Kysely, so it waits its turn
  // on the one connection instead of landing inside a transaction under way.
  const optimize = (pragma: string) =>
    void sql
      .raw(pragma)
      .execute(db)
      .catch(() => {});
  optimize('PRAGMA optimize=0x10002');
  const timer =
    optimizeEveryMs > 0
      ? setInterval(() => optimize('PRAGMA optimize'), optimizeEveryMs)
      : undefined;
  timer?.unref();
  return {
    db,
    dialect: 'sqlite',
    dataVersion: () => Number(dataVersion.get()),
    statementsPrepared: statements.prepared,
    ...(walCheckpoints && { walCheckpoints }),
    destroy: async () => {
      clearInterval(timer);
      await walCheckpoints?.stop();
      await db.destroy();
    },
  };
}

/**
 * Creates the SQLite file 0600 before SQLite opens it: SQLite gives the `-wal`, `-shm` and
 * `-journal` files it creates the database file's mode (`findCreateFileMode` and
 * `unixOpenSharedMemory` in SQLite's os_unix.c), so those follow. Side files left by an earlier
 * run keep the mode they were created with, so they are set here too.
 */
const STICKY_BIT = 0o1000;

function makeSqliteFilesPrivate(file: string): void {
  const dir = path.dirname(file);
  // A shared folder such as /tmp (sticky bit) stays as it is; the files in it are still 0600.
  const shared = fs.existsSync(dir) && (fs.statSync(dir).mode & STICKY_BIT) !== 0;
  if (!shared) makePrivateDir(dir);
  makePrivateFile(file);
  for (const suffix of ['-wal', '-shm', '-journal']) makeExistingFilePrivate(`${file}${suffix}`);
}
