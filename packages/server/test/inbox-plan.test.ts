import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { CompiledQuery, type Kysely, sql } from 'kysely';
import type { Database } from '../src/db/schema.js';
import { newId } from '../src/ids.js';
import { encodeInboxCursor } from '../src/inbox/inbox-cursor.js';
import type { InboxFilters, InboxViewer } from '../src/inbox/inbox-filters.js';
import { inboxPageQuery } from '../src/inbox/inbox-repository.js';
import { DIALECTS } from './support/databases.js';
import { type SeededBot, seedBot, startTestApp, type TestApp } from './support/test-app.js';

const CONVERSATIONS = 12_000;
const BATCH = 500;

/** Contacts and conversations for `bot`, in one transaction and a few multi-row inserts. */
async function bulkSeed(db: Kysely<Database>, bot: SeededBot, count: number, start: number) {
  await db.transaction().execute(async (trx) => {
    for (let offset = 0; offset < count; offset += BATCH) {
      const n = Math.min(BATCH, count - offset);
      const contacts = Array.from({ length: n }, (_, i) => ({
        id: newId('ctc'),
        organization_id: bot.orgId,
        chatbot_id: bot.botId,
        kind: 'visitor' as const,
        sub: null,
        visitor_id: `vis_${randomUUID()}`,
        name: `Visitor ${offset + i}`,
        email: null,
        created_at: start,
        updated_at: start,
      }));
      await trx.insertInto('contacts').values(contacts).execute();
      await trx
        .insertInto('conversations')
        .values(
          contacts.map((contact, i) => ({
            id: newId('cnv'),
            organization_id: bot.orgId,
            chatbot_id: bot.botId,
            contact_id: contact.id,
            identity: 'anonymous' as const,
            status: (offset + i) % 10 === 0 ? ('bot' as const) : ('closed' as const),
            created_at: start,
            last_activity_at: start + offset + i,
          })),
        )
        .execute();
    }
  });
}

for (const dialect of DIALECTS) {
  describe(`inbox list query plan at ${CONVERSATIONS} conversations (${dialect})`, () => {
    let t: TestApp;
    let viewer: InboxViewer;
    let bot: SeededBot;
    const clock = Date.UTC(2030, 0, 1, 9);

    /** The plan of one page's query, as text, one line per step. */
    const plan = async (filters: InboxFilters, withCursor = false): Promise<string> => {
      const after = withCursor ? { lastActivityAt: clock + 5000, id: 'cnv_f' } : undefined;
      const query = inboxPageQuery(t.services.db, viewer, filters, { limit: 51, after }).compile();
      const prefix = dialect === 'sqlite' ? 'EXPLAIN QUERY PLAN ' : 'EXPLAIN ';
      const result = await t.services.db.executeQuery<Record<string, unknown>>(
        CompiledQuery.raw(`${prefix}${query.sql}`, [...query.parameters]),
      );
      return result.rows
        .map((row) => String(dialect === 'sqlite' ? row.detail : row['QUERY PLAN']))
        .join('\n');
    };

    before(async () => {
      t = await startTestApp(dialect, {}, { now: () => clock });
      bot = await seedBot(t.services, false);
      const other = await seedBot(t.services, false);
      await bulkSeed(t.services.db, bot, CONVERSATIONS, clock);
      await bulkSeed(t.services.db, other, 2000, clock);
      const user = await t.services.db
        .insertInto('users')
        .values({
          id: newId('usr'),
          organization_id: bot.orgId,
          email: 'agent@acme.test',
          password_hash: 'x',
          role: 'agent',
          created_at: clock,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      viewer = { organizationId: bot.orgId, userId: user.id };
      // What autovacuum does on a live PostgreSQL; SQLite is planned without statistics.
      if (dialect === 'postgres') await sql`ANALYZE`.execute(t.services.db);
    });
    after(() => t.close());

    const cases: Array<[string, InboxFilters, boolean, string]> = [
      ['the first page', {}, false, 'conversations_activity'],
      ['a later page (keyset)', {}, true, 'conversations_activity'],
      ['one chatbot', { botId: 'bot_x' }, false, 'conversations_bot_activity'],
      ['mine', { assignee: 'mine' }, false, 'conversations_assignee_activity'],
      ['one identity', { identity: 'verified' }, false, 'conversations_identity_activity'],
    ];
    for (const [name, filters, withCursor, index] of cases) {
      it(`${name} walks ${index} in order: no full scan, no sort`, async () => {
        const text = await plan(filters, withCursor);
        if (dialect === 'sqlite') {
          assert.match(
            text,
            new RegExp(`SEARCH conversations USING (COVERING )?INDEX ${index}`),
            text,
          );
          assert.doesNotMatch(text, /SCAN conversations|TEMP B-TREE FOR ORDER BY/, text);
        } else {
          assert.match(
            text,
            new RegExp(`Index Scan( Backward)? using ${index} on conversations`),
            text,
          );
          assert.doesNotMatch(text, /Seq Scan on conversations|Sort\b/, text);
        }
      });
    }

    it('a page answers quickly and the keyset continues where it stopped', async () => {
      const started = performance.now();
      const first = await inboxPageQuery(t.services.db, viewer, {}, { limit: 50 }).execute();
      const last = first.at(-1);
      assert.ok(last);
      const second = await inboxPageQuery(
        t.services.db,
        viewer,
        {},
        {
          limit: 50,
          after: { lastActivityAt: Number(last.last_activity_at), id: last.id },
        },
      ).execute();
      const elapsed = performance.now() - started;
      assert.equal(Number(first[0]?.last_activity_at), clock + CONVERSATIONS - 1);
      assert.equal(Number(second[0]?.last_activity_at), Number(last.last_activity_at) - 1);
      assert.ok(elapsed < 1000, `${elapsed} ms`);
      assert.ok(encodeInboxCursor({ lastActivityAt: 1, id: 'cnv_1' }).length > 0);
    });
  });
}
