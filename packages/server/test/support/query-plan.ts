import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.js';
import type { TestDialect } from './databases.js';

/** The database's plan of one statement, as text, one line per step. */
export async function queryPlan(
  db: Kysely<Database>,
  dialect: TestDialect,
  query: CompiledQuery,
): Promise<string> {
  const prefix = dialect === 'sqlite' ? 'EXPLAIN QUERY PLAN ' : 'EXPLAIN ';
  const result = await db.executeQuery<Record<string, unknown>>(
    CompiledQuery.raw(`${prefix}${query.sql}`, [...query.parameters]),
  );
  return result.rows
    .map((row) => String(dialect === 'sqlite' ? row.detail : row['QUERY PLAN']))
    .join('\n');
}
