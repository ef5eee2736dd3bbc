import { sql } from 'kysely';
import type { AppServices } from '../../src/services.js';

/**
 * Every row of every table, as a database dump would hold it: text as text, and binary columns
 * (SQLite blobs, PostgreSQL bytea) as their raw bytes, so an unencrypted key stored as bytes
 * is found too.
 */
export async function dumpDatabase(services: AppServices): Promise<Buffer> {
  const tables =
    services.dialect === 'sqlite'
      ? await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(
          services.db,
        )
      : await sql<{
          name: string;
        }>`select table_name as name from information_schema.tables where table_schema = 'public'`.execute(
          services.db,
        );
  const parts: Buffer[] = [];
  for (const { name } of tables.rows) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(
      services.db,
    );
    parts.push(Buffer.from(`${name}\n`));
    for (const row of rows.rows) {
      for (const value of Object.values(row)) {
        parts.push(
          value instanceof Uint8Array ? Buffer.from(value) : Buffer.from(JSON.stringify(value)),
          Buffer.from('\n'),
        );
      }
    }
  }
  return Buffer.concat(parts);
}
