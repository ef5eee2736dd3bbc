import { createHash } from 'node:crypto';
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';

/** SQL texts PostgreSQL is to keep prepared, by the statement name they get. */
const names = new Map<string, string>();

/**
 * Asks that `sql` run as a named statement on PostgreSQL (`prepared-query.ts` does, for the chat
 * API's hot queries): each connection parses and plans it once, then only binds and executes
 * it. Unnamed, every run was parsed, analysed and planned anew, a few hundred microseconds of
 * the database's time on each of a message's statements. Only these texts are named: a bounded
 * set, each with its columns spelled out, so a column added by a migration leaves their
 * results alike.
 */
export function keepPrepared(sql: string): void {
  if (!names.has(sql)) {
    names.set(sql, `hilal_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`);
  }
}

/**
 * The pool as Kysely's PostgreSQL driver sees it: each client runs the texts `keepPrepared`
 * named as named statements (`pg` prepares one on a connection's first run of it and remembers
 * that it did), and everything else as before.
 */
export function withNamedStatements(pool: pg.Pool): PostgresPool {
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    let wrapper = wrapped.get(client);
    if (wrapper === undefined) {
      // pg's `query` has overloads for texts, configs and cursors; Kysely passes a text with its
      // values, or a cursor, which goes through as it came.
      const run = client.query.bind(client) as (...args: unknown[]) => unknown;
      wrapper = {
        query: ((text: unknown, values?: readonly unknown[]) => {
          const name = typeof text === 'string' ? names.get(text) : undefined;
          return name === undefined ? run(text, values) : run({ name, text, values });
        }) as unknown as PostgresPoolClient['query'],
        release: (destroy?: boolean) => client.release(destroy),
      };
      wrapped.set(client, wrapper);
    }
    return wrapper;
  };
  return {
    connect: async () => wrap(await pool.connect()),
    end: () => pool.end(),
  };
}
