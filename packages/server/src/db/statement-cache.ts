import type { SqliteDatabase, SqliteStatement } from 'kysely';

export interface StatementCache extends SqliteDatabase {
  /** How many statements were compiled (cache misses); tests read it. */
  readonly prepared: () => number;
}

/**
 * The database as Kysely's SQLite driver sees it, with `prepare` remembered per SQL text: the
 * driver prepares every query anew, and compiling it was a sixth of a message's CPU time.
 *
 * Sharing a statement is safe here because only Kysely uses these, on its one connection, one
 * query at a time (its mutex), and it calls only `all`, `run` and `iterate` on them: never
 * `raw`, `pluck` or `expand`, whose mode would stick to the shared statement. A statement
 * outlives schema changes, since SQLite recompiles it when the schema moves.
 * `max` bounds the map (multi-row inserts make a text per row count); the least recently used
 * text goes first.
 */
export function cacheStatements(database: SqliteDatabase, max = 500): StatementCache {
  const statements = new Map<string, SqliteStatement>();
  let prepared = 0;
  return {
    prepare(sql) {
      const cached = statements.get(sql);
      if (cached !== undefined) {
        // Re-inserted: a Map keeps insertion order, so the first key is the least recently used.
        statements.delete(sql);
        statements.set(sql, cached);
        return cached;
      }
      const statement = database.prepare(sql);
      prepared += 1;
      if (statements.size >= max) {
        const oldest = statements.keys().next().value;
        if (oldest !== undefined) statements.delete(oldest);
      }
      statements.set(sql, statement);
      return statement;
    },
    close() {
      statements.clear();
      database.close();
    },
    prepared: () => prepared,
  };
}
