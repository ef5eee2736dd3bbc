import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from '../migrate.js';

/**
 * The inbox at 100,000 conversations (README "Inbox"; measured by `npm run bench:inbox`): what
 * every list request used to count by walking all of the organization's conversations is kept
 * up to date instead, by the database itself, in the transaction of each write, whoever writes:
 *
 * - `conversations.last_visitor_seq`: the seq of the newest visitor message, so that "unread"
 *   is a comparison with the agent's `conversation_reads.last_read_seq`;
 * - `conversation_reads.open_read`: 1 while that agent has read an open conversation up to its
 *   newest visitor message, so the tab title's count is one small index count;
 * - `inbox_counts`: conversations per chatbot, status, identity badge and assignee (`''` when
 *   unassigned), so the counts beside the filters add up a few rows;
 * - search by name, email or user id through a trigram index: FTS5 on SQLite, pg_trgm on
 *   PostgreSQL;
 * - `messages_conversation_seq`: the conversation view's newest messages, read from an index
 *   instead of walking every message backwards.
 *
 * Checked with EXPLAIN in test/inbox-plan.test.ts and against brute-force counts in
 * test/inbox-counts.test.ts.
 */
// biome-ignore lint/suspicious/noExplicitAny: a migration describes the schema as it was then, not today's types (Kysely's advice).
export async function up(db: Kysely<any>, { dialect }: MigrationContext): Promise<void> {
  if (dialect === 'postgres') {
    // No write may slip between the backfill and the triggers that take over from it.
    await sql`LOCK TABLE contacts, conversations, messages, conversation_reads IN SHARE ROW EXCLUSIVE MODE`.execute(
      db,
    );
  }
  await db.schema
    .alterTable('conversations')
    .addColumn('last_visitor_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('conversation_reads')
    .addColumn('open_read', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('inbox_counts')
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('chatbot_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('identity', 'text', (c) => c.notNull())
    .addColumn('assignee', 'text', (c) => c.notNull())
    .addColumn('conversations', 'bigint', (c) => c.notNull())
    .addColumn('visitor_written', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('inbox_counts_pk', [
      'organization_id',
      'chatbot_id',
      'status',
      'identity',
      'assignee',
    ])
    .execute();

  // Backfill, before the triggers exist (PostgreSQL holds the tables locked until commit).
  await sql`UPDATE conversations SET last_visitor_seq = coalesce((
      SELECT max(m.seq) FROM messages m
      WHERE m.conversation_id = conversations.id AND m.author = 'visitor'), 0)`.execute(db);
  await sql`UPDATE conversation_reads SET open_read = coalesce((
      SELECT ${openRead('c', 'conversation_reads.last_read_seq', dialect)}
      FROM conversations c WHERE c.id = conversation_reads.conversation_id), 0)`.execute(db);
  await sql`INSERT INTO inbox_counts
      SELECT organization_id, chatbot_id, status, identity, coalesce(assignee_id, ''),
        count(*), sum(CASE WHEN last_visitor_seq > 0 THEN 1 ELSE 0 END)
      FROM conversations
      GROUP BY organization_id, chatbot_id, status, identity, coalesce(assignee_id, '')`.execute(
    db,
  );

  await db.schema
    .createIndex('messages_conversation_seq')
    .on('messages')
    .columns(['conversation_id', 'seq'])
    .execute();
  // The tab title: how many open conversations this agent has read (partial: only those).
  await db.schema
    .createIndex('conversation_reads_open_read')
    .on('conversation_reads')
    .columns(['organization_id', 'user_id'])
    .where(sql.ref('open_read'), '=', 1)
    .execute();

  const statements = dialect === 'postgres' ? postgresTriggers() : sqliteTriggers();
  for (const statement of statements) await statement.execute(db);
  if (dialect === 'postgres') await postgresSearch(db);
  else await sqliteSearch(db);
}

/** Whether a reader who read up to `lastRead` counts as having read conversation `c`, open. */
function openRead(c: string, lastRead: string, dialect: MigrationContext['dialect']) {
  const test = sql`(${sql.ref(`${c}.status`)} <> 'closed' AND ${sql.ref(`${c}.last_visitor_seq`)} > 0 AND ${sql.raw(lastRead)} >= ${sql.ref(`${c}.last_visitor_seq`)})`;
  return dialect === 'postgres' ? sql`${test}::integer` : test;
}

/** Columns whose change moves a conversation from one `inbox_counts` row to another. */
const COUNTED = ['organization_id', 'chatbot_id', 'status', 'identity', 'assignee_id'] as const;

function sqliteTriggers() {
  const upsert = (row: 'OLD' | 'NEW', conversations: string, written: string) => `
    INSERT INTO inbox_counts VALUES (${row}.organization_id, ${row}.chatbot_id, ${row}.status,
      ${row}.identity, coalesce(${row}.assignee_id, ''), ${conversations}, ${written})
    ON CONFLICT (organization_id, chatbot_id, status, identity, assignee) DO UPDATE SET
      conversations = conversations + excluded.conversations,
      visitor_written = visitor_written + excluded.visitor_written;`;
  const add = (row: 'OLD' | 'NEW', sign: '+' | '-') =>
    upsert(row, `${sign}1`, `${sign}(${row}.last_visitor_seq > 0)`);
  const moved = COUNTED.map((column) => `OLD.${column} IS NOT NEW.${column}`).join(' OR ');
  const written = '(OLD.last_visitor_seq > 0) IS NOT (NEW.last_visitor_seq > 0)';
  const openRead = `(NEW.status <> 'closed' AND NEW.last_visitor_seq > 0
    AND conversation_reads.last_read_seq >= NEW.last_visitor_seq)`;
  return [
    `CREATE TRIGGER messages_visitor_seq AFTER INSERT ON messages WHEN NEW.author = 'visitor'
     BEGIN
       UPDATE conversations SET last_visitor_seq = NEW.seq
       WHERE id = NEW.conversation_id AND last_visitor_seq < NEW.seq;
     END`,
    `CREATE TRIGGER inbox_counts_insert AFTER INSERT ON conversations BEGIN ${add('NEW', '+')} END`,
    `CREATE TRIGGER inbox_counts_delete AFTER DELETE ON conversations BEGIN ${add('OLD', '-')} END`,
    `CREATE TRIGGER inbox_counts_move AFTER UPDATE OF ${COUNTED.join(', ')} ON conversations
     WHEN ${moved} BEGIN ${add('OLD', '-')} ${add('NEW', '+')} END`,
    // A conversation's first visitor message (the usual change): one row, one write.
    `CREATE TRIGGER inbox_counts_written AFTER UPDATE OF last_visitor_seq ON conversations
     WHEN NOT (${moved}) AND ${written}
     BEGIN ${upsert('NEW', '0', '(NEW.last_visitor_seq > 0) - (OLD.last_visitor_seq > 0)')} END`,
    `CREATE TRIGGER conversation_reads_follow AFTER UPDATE OF status, last_visitor_seq ON conversations
     WHEN (OLD.status = 'closed') IS NOT (NEW.status = 'closed')
       OR OLD.last_visitor_seq IS NOT NEW.last_visitor_seq
     BEGIN
       UPDATE conversation_reads SET open_read = ${openRead}
       WHERE conversation_id = NEW.id AND open_read IS NOT ${openRead};
     END`,
  ].map((text) => sql.raw(text));
}

function postgresTriggers() {
  const call = (row: 'OLD' | 'NEW', sign: '' | '-') =>
    `PERFORM inbox_counts_add(${row}.organization_id, ${row}.chatbot_id, ${row}.status,
       ${row}.identity, coalesce(${row}.assignee_id, ''), ${sign}1,
       ${sign}(${row}.last_visitor_seq > 0)::integer);`;
  const key = (row: 'OLD' | 'NEW') =>
    `ROW(${row}.organization_id, ${row}.chatbot_id, ${row}.status, ${row}.identity, coalesce(${row}.assignee_id, ''))`;
  const moved = [
    ...COUNTED.map((column) => `OLD.${column} IS DISTINCT FROM NEW.${column}`),
    '(OLD.last_visitor_seq > 0) IS DISTINCT FROM (NEW.last_visitor_seq > 0)',
  ].join(' OR ');
  const openRead = `(NEW.status <> 'closed' AND NEW.last_visitor_seq > 0
    AND r.last_read_seq >= NEW.last_visitor_seq)::integer`;
  return [
    `CREATE FUNCTION conversations_note_visitor_message() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       UPDATE conversations SET last_visitor_seq = NEW.seq
       WHERE id = NEW.conversation_id AND last_visitor_seq < NEW.seq;
       RETURN NULL;
     END $$`,
    `CREATE TRIGGER messages_visitor_seq AFTER INSERT ON messages FOR EACH ROW
     WHEN (NEW.author = 'visitor') EXECUTE FUNCTION conversations_note_visitor_message()`,
    `CREATE FUNCTION inbox_counts_add(p_org text, p_bot text, p_status text, p_identity text,
       p_assignee text, p_conversations integer, p_visitor_written integer)
     RETURNS void LANGUAGE sql AS $$
       INSERT INTO inbox_counts AS ic VALUES
         (p_org, p_bot, p_status, p_identity, p_assignee, p_conversations, p_visitor_written)
       ON CONFLICT (organization_id, chatbot_id, status, identity, assignee) DO UPDATE SET
         conversations = ic.conversations + excluded.conversations,
         visitor_written = ic.visitor_written + excluded.visitor_written
     $$`,
    // A move takes its two rows' locks in one order, whichever way it goes, so that two
    // conversations moving in opposite directions at once cannot deadlock.
    `CREATE FUNCTION inbox_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       IF TG_OP = 'INSERT' THEN ${call('NEW', '')}
       ELSIF TG_OP = 'DELETE' THEN ${call('OLD', '-')}
       ELSIF ${key('OLD')} = ${key('NEW')} THEN
         -- A conversation's first visitor message (the usual change): one row, one write.
         PERFORM inbox_counts_add(NEW.organization_id, NEW.chatbot_id, NEW.status, NEW.identity,
           coalesce(NEW.assignee_id, ''), 0,
           (NEW.last_visitor_seq > 0)::integer - (OLD.last_visitor_seq > 0)::integer);
       ELSIF ${key('OLD')} < ${key('NEW')} THEN ${call('OLD', '-')} ${call('NEW', '')}
       ELSE ${call('NEW', '')} ${call('OLD', '-')}
       END IF;
       RETURN NULL;
     END $$`,
    `CREATE TRIGGER inbox_counts_insert AFTER INSERT ON conversations FOR EACH ROW
     EXECUTE FUNCTION inbox_counts_follow()`,
    `CREATE TRIGGER inbox_counts_delete AFTER DELETE ON conversations FOR EACH ROW
     EXECUTE FUNCTION inbox_counts_follow()`,
    `CREATE TRIGGER inbox_counts_update
     AFTER UPDATE OF ${COUNTED.join(', ')}, last_visitor_seq ON conversations FOR EACH ROW
     WHEN (${moved}) EXECUTE FUNCTION inbox_counts_follow()`,
    `CREATE FUNCTION conversation_reads_follow() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       UPDATE conversation_reads r SET open_read = ${openRead}
       WHERE r.conversation_id = NEW.id AND r.open_read <> ${openRead};
       RETURN NULL;
     END $$`,
    `CREATE TRIGGER conversation_reads_follow
     AFTER UPDATE OF status, last_visitor_seq ON conversations FOR EACH ROW
     WHEN ((OLD.status = 'closed') IS DISTINCT FROM (NEW.status = 'closed')
       OR OLD.last_visitor_seq IS DISTINCT FROM NEW.last_visitor_seq)
     EXECUTE FUNCTION conversation_reads_follow()`,
  ].map((text) => sql.raw(text));
}

/**
 * SQLite: an FTS5 trigram table over the contacts' name, email and sub. FTS5 rows need an
 * integer key, and a contact's own rowid may change on VACUUM (its key is text), so
 * `contact_search_keys` gives each contact one of its own.
 */
// biome-ignore lint/suspicious/noExplicitAny: see `up`.
async function sqliteSearch(db: Kysely<any>): Promise<void> {
  const changed = ['name', 'email', 'sub'].map((c) => `OLD.${c} IS NOT NEW.${c}`).join(' OR ');
  const key = (row: 'OLD' | 'NEW') =>
    `(SELECT search_rowid FROM contact_search_keys WHERE contact_id = ${row}.id)`;
  const statements = [
    `CREATE TABLE contact_search_keys (
       search_rowid INTEGER PRIMARY KEY, contact_id TEXT NOT NULL UNIQUE)`,
    `CREATE VIRTUAL TABLE contacts_search USING fts5(name, email, sub, tokenize = 'trigram')`,
    'INSERT INTO contact_search_keys (contact_id) SELECT id FROM contacts ORDER BY id',
    `INSERT INTO contacts_search (rowid, name, email, sub)
     SELECT k.search_rowid, c.name, c.email, c.sub
     FROM contacts c JOIN contact_search_keys k ON k.contact_id = c.id`,
    `CREATE TRIGGER contacts_search_insert AFTER INSERT ON contacts BEGIN
       INSERT INTO contact_search_keys (contact_id) VALUES (NEW.id);
       INSERT INTO contacts_search (rowid, name, email, sub)
       VALUES (last_insert_rowid(), NEW.name, NEW.email, NEW.sub);
     END`,
    `CREATE TRIGGER contacts_search_update AFTER UPDATE OF name, email, sub ON contacts
     WHEN ${changed} BEGIN
       UPDATE contacts_search SET name = NEW.name, email = NEW.email, sub = NEW.sub
       WHERE rowid = ${key('NEW')};
     END`,
    `CREATE TRIGGER contacts_search_delete AFTER DELETE ON contacts BEGIN
       DELETE FROM contacts_search WHERE rowid = ${key('OLD')};
       DELETE FROM contact_search_keys WHERE contact_id = OLD.id;
     END`,
  ];
  for (const text of statements) await sql.raw(text).execute(db);
}

/**
 * PostgreSQL: trigram GIN indexes on the lower-cased name, email and sub, which serve
 * `lower(column) LIKE '%…%'`. Without GIN's pending list (`fastupdate`), which a search would
 * read whole until the next vacuum: a new contact costs a little more, every search the same.
 * pg_trgm ships with PostgreSQL and is a trusted extension (a
 * database owner may create it); where it cannot be created, search still works, unindexed.
 */
// biome-ignore lint/suspicious/noExplicitAny: see `up`.
async function postgresSearch(db: Kysely<any>): Promise<void> {
  await sql`SAVEPOINT pg_trgm`.execute(db);
  try {
    await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`.execute(db);
  } catch {
    await sql`ROLLBACK TO SAVEPOINT pg_trgm`.execute(db);
    return;
  }
  for (const column of ['name', 'email', 'sub']) {
    await sql`CREATE INDEX ${sql.id(`contacts_${column}_trgm`)} ON contacts
      USING gin (lower(${sql.ref(column)}) gin_trgm_ops) WITH (fastupdate = off)`.execute(db);
  }
}
