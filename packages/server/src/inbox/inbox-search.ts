import { type Expression, expressionBuilder, type SqlBool, sql } from 'kysely';
import type { Dialect } from '../db/database.js';
import type { Database } from '../db/schema.js';

/** FTS5's trigram index answers phrases of three characters or more. */
const TRIGRAM = 3;

/**
 * Whether the contact's name, email or user id (`sub`) contains `q`, whatever its case
 * (docs/contract.md §7 "search by name, email or user id"; README "Inbox"): a condition on
 * `contacts`, joined to the conversations being searched, so the database can start from the
 * matches. Served by the trigram indexes of migration 006: FTS5 on SQLite, pg_trgm on PostgreSQL.
 * A search of one or two characters gives the same answer, on SQLite from a scan of the contacts.
 */
export function contactMatches(dialect: Dialect, q: string): Expression<SqlBool> {
  if (dialect === 'sqlite' && [...q].length >= TRIGRAM) {
    // A quoted FTS5 string is one phrase of consecutive trigrams: a substring, matched literally.
    const phrase = `{name email sub} : "${q.replaceAll('"', '""')}"`;
    return sql<SqlBool>`${sql.ref('contacts.id')} in (
      select k.contact_id from contacts_search
      join contact_search_keys k on k.search_rowid = contacts_search.rowid
      where contacts_search match ${phrase})`;
  }
  const pattern = `%${escapeLike(q)}%`;
  // `lower(column)` is what the pg_trgm indexes hold.
  const contains = (column: string) =>
    sql<SqlBool>`lower(${sql.ref(column)}) like lower(${pattern}) escape '\\'`;
  return expressionBuilder<Database, 'contacts'>().or([
    contains('contacts.name'),
    contains('contacts.email'),
    contains('contacts.sub'),
  ]);
}

/** `%`, `_` and the escape character itself match literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
