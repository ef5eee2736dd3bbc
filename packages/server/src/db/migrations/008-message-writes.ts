import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from '../migrate.js';

/**
 * What one chat message writes (README "Performance"; measured by `npm run bench`). Every
 * message moves its conversation's `last_activity_at`, which the inbox's keyset indexes hold, so
 * every such write also moves an entry in each of them (on PostgreSQL, a new row version in every
 * index of the table). Before this migration a visitor's message wrote its conversation twice,
 * once for `last_visitor_seq` (migration 006's trigger) and once for the activity (the server's
 * own UPDATE), and each message had five indexes to fill.
 *
 * - The database moves the conversation's activity itself, in the same trigger that keeps
 *   `last_visitor_seq`: a visitor's message writes its conversation once, and a message that
 *   changes nothing else (most of them, the bot's replies among them) is one INSERT, with no
 *   transaction around it on SQLite. The server writes the conversation besides only when the
 *   message changes its status or identity badge. The activity never moves back (a message
 *   stamped earlier than the activity leaves it), and a row that would not change is not written.
 * - `messages_conversation_author_seq` (migration 004) answered "is there a visitor message
 *   after this seq?"; since 006 that is `conversations.last_visitor_seq`, and nothing reads it.
 * - `conversations_contact` is `(contact_id)` alone, no longer `(contact_id, last_activity_at)`:
 *   no read orders by it (the open conversation has `conversations_contact_org`, migration 007,
 *   and a contact's few others are sorted), and without the activity SQLite leaves it alone when
 *   a message moves the activity. It stays, narrow, for what PostgreSQL joins the inbox's search
 *   matches through (through `conversations_contact_org` it preferred reading every
 *   conversation).
 *
 * Checked with EXPLAIN in test/chat-plan.test.ts and test/inbox-plan.test.ts, and against
 * brute-force counts in test/inbox-counts.test.ts. An instance still on the previous version
 * keeps working: its own UPDATE after the insert writes the same activity again.
 */
// biome-ignore lint/suspicious/noExplicitAny: a migration describes the schema as it was then, not today's types (Kysely's advice).
export async function up(db: Kysely<any>, { dialect }: MigrationContext): Promise<void> {
  const statements = dialect === 'postgres' ? postgresTriggers() : sqliteTriggers();
  for (const statement of statements) await statement.execute(db);
  await db.schema.dropIndex('messages_conversation_author_seq').execute();
  await db.schema.dropIndex('conversations_contact').execute();
  await db.schema
    .createIndex('conversations_contact')
    .on('conversations')
    .column('contact_id')
    .execute();
}

// Guards that leave a conversation unwritten when the message would not change it.
const newerActivity = 'last_activity_at < NEW.created_at';
const newerVisitorMessage = 'last_visitor_seq < NEW.seq';
const sameConversation = 'id = NEW.conversation_id AND organization_id = NEW.organization_id';

function sqliteTriggers() {
  return [
    'DROP TRIGGER messages_visitor_seq',
    // Two triggers, so that the bot's and agents' messages do not name `last_visitor_seq`: an
    // UPDATE that names a column fires that column's `UPDATE OF` triggers (migration 006's).
    `CREATE TRIGGER messages_visitor_touch AFTER INSERT ON messages WHEN NEW.author = 'visitor'
     BEGIN
       UPDATE conversations SET last_activity_at = max(last_activity_at, NEW.created_at),
         last_visitor_seq = max(last_visitor_seq, NEW.seq)
       WHERE ${sameConversation} AND (${newerActivity} OR ${newerVisitorMessage});
     END`,
    `CREATE TRIGGER messages_touch AFTER INSERT ON messages WHEN NEW.author <> 'visitor'
     BEGIN
       UPDATE conversations SET last_activity_at = NEW.created_at
       WHERE ${sameConversation} AND ${newerActivity};
     END`,
  ].map((text) => sql.raw(text));
}

function postgresTriggers() {
  return [
    'DROP TRIGGER messages_visitor_seq ON messages',
    'DROP FUNCTION conversations_note_visitor_message()',
    `CREATE FUNCTION conversations_follow_message() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       IF NEW.author = 'visitor' THEN
         UPDATE conversations SET last_activity_at = greatest(last_activity_at, NEW.created_at),
           last_visitor_seq = greatest(last_visitor_seq, NEW.seq)
         WHERE ${sameConversation} AND (${newerActivity} OR ${newerVisitorMessage});
       ELSE
         UPDATE conversations SET last_activity_at = NEW.created_at
         WHERE ${sameConversation} AND ${newerActivity};
       END IF;
       RETURN NULL;
     END $$`,
    `CREATE TRIGGER messages_touch AFTER INSERT ON messages FOR EACH ROW
     EXECUTE FUNCTION conversations_follow_message()`,
  ].map((text) => sql.raw(text));
}
