import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type CompiledQuery, type Kysely, type KyselyPlugin, sql } from 'kysely';
import type { Database } from '../src/db/schema.js';
import { newId } from '../src/ids.js';
import { encodeInboxCursor } from '../src/inbox/inbox-cursor.js';
import type { InboxFilters, InboxViewer } from '../src/inbox/inbox-filters.js';
import { inboxPageQuery } from '../src/inbox/inbox-repository.js';
import { createInboxService, type InboxService } from '../src/inbox/inbox-service.js';
import { DIALECTS } from './support/databases.js';
import { queryPlan } from './support/query-plan.js';
import { type SeededBot, seedBot, startTestApp, type TestApp } from './support/test-app.js';

const CONVERSATIONS = 12_000;
const BATCH = 500;

/**
 * Contacts (a tenth verified, with a user id and an email to search for), conversations and one
 * visitor message each for `bot`, in multi-row inserts.
 */
async function bulkSeed(db: Kysely<Database>, bot: SeededBot, count: number, start: number) {
  // A transaction per batch, as live writes come: PostgreSQL cannot prune the versions of the
  // `inbox_counts` row that one long transaction would update 200,000 times.
  for (let offset = 0; offset < count; offset += BATCH) {
    await db.transaction().execute(async (trx) => {
      const n = Math.min(BATCH, count - offset);
      const contacts = Array.from({ length: n }, (_, i) => {
        const k = offset + i;
        const verified = k % 10 === 0;
        return {
          id: newId('ctc'),
          organization_id: bot.orgId,
          chatbot_id: bot.botId,
          kind: verified ? ('verified' as const) : ('visitor' as const),
          sub: verified ? `user-${k}` : null,
          visitor_id: verified ? null : `vis_${randomUUID()}`,
          name: `Visitor ${k}`,
          email: verified ? `user${k}@example.com` : null,
          created_at: start,
          updated_at: start,
        };
      });
      await trx.insertInto('contacts').values(contacts).execute();
      const conversations = contacts.map((contact, i) => ({
        id: newId('cnv'),
        organization_id: bot.orgId,
        chatbot_id: bot.botId,
        contact_id: contact.id,
        identity: contact.kind === 'verified' ? ('verified' as const) : ('anonymous' as const),
        status: (offset + i) % 10 === 0 ? ('bot' as const) : ('closed' as const),
        created_at: start,
        last_activity_at: start + offset + i,
      }));
      await trx.insertInto('conversations').values(conversations).execute();
      await trx
        .insertInto('messages')
        .values(
          conversations.map((conversation) => ({
            id: newId('msg'),
            organization_id: bot.orgId,
            conversation_id: conversation.id,
            client_message_id: null,
            author: 'visitor' as const,
            text: 'Where is my order?',
            identity_source: conversation.identity,
            created_at: start,
          })),
        )
        .execute();
    });
  }
}

for (const dialect of DIALECTS) {
  describe(`inbox query plans at ${CONVERSATIONS} conversations (${dialect})`, () => {
    let t: TestApp;
    let viewer: InboxViewer;
    let bot: SeededBot;
    let viewedId: string;
    const clock = Date.UTC(2030, 0, 1, 9);

    /** The plan of one page's query, as text, one line per step. */
    const plan = async (filters: InboxFilters, withCursor = false): Promise<string> => {
      const after = withCursor ? { lastActivityAt: clock + 5000, id: 'cnv_f' } : undefined;
      const query = inboxPageQuery(t.services.db, viewer, filters, { limit: 51, after }).compile();
      return queryPlan(t.services.db, dialect, query);
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
      // Two agents have read a share of the conversations, the viewer among them.
      const colleague = await t.services.db
        .insertInto('users')
        .values({
          id: newId('usr'),
          organization_id: bot.orgId,
          email: 'colleague@acme.test',
          password_hash: 'x',
          role: 'agent',
          created_at: clock,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const read = await t.services.db
        .selectFrom('conversations')
        .select(['id', 'status', 'last_visitor_seq'])
        .where('organization_id', '=', bot.orgId)
        .orderBy('last_activity_at', 'desc')
        .limit(CONVERSATIONS / 4)
        .execute();
      viewedId = read[3]?.id ?? '';
      for (const userId of [user.id, colleague.id]) {
        for (let offset = 0; offset < read.length; offset += BATCH) {
          await t.services.db
            .insertInto('conversation_reads')
            .values(
              read.slice(offset, offset + BATCH).map((c) => ({
                organization_id: bot.orgId,
                conversation_id: c.id,
                user_id: userId,
                last_read_seq: Number(c.last_visitor_seq),
                read_at: clock,
                open_read: c.status === 'closed' ? 0 : 1,
              })),
            )
            .execute();
        }
      }
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

    /** Every statement the inbox service sends for `run`, compiled, in order. */
    const statementsOf = async (run: (inbox: InboxService) => Promise<unknown>) => {
      const { db } = t.services;
      const seen: CompiledQuery[] = [];
      const capture: KyselyPlugin = {
        transformQuery(args) {
          seen.push(db.getExecutor().compileQuery(args.node, args.queryId));
          return args.node;
        },
        transformResult: async (args) => args.result,
      };
      const inbox = createInboxService({
        db: db.withPlugin(capture),
        dialect,
        store: t.services.store,
        now: () => clock,
      });
      await run(inbox);
      return seen;
    };

    // The big tables: reading one of them whole, or sorting its rows, grows with the inbox.
    const BIG = '(conversations|contacts|messages|conversation_reads)';
    const fullScan =
      dialect === 'sqlite' ? new RegExp(`SCAN ${BIG}\\b`) : new RegExp(`Seq Scan on ${BIG}\\b`);
    /** The list's own walk of the organization's conversations, newest activity first. */
    const walk = /conversations_\w*activity/;
    const contactJoin =
      dialect === 'sqlite'
        ? /SEARCH conversations USING (COVERING )?INDEX conversations_contact(_org)? \(contact_id=\?/
        : /Index (Only )?Scan using conversations_contact on conversations/;
    const search =
      dialect === 'sqlite'
        ? /SCAN contacts_search VIRTUAL TABLE INDEX \d+:M/
        : /Bitmap Index Scan on contacts_(name|email|sub)_trgm/;

    const requests: Array<[string, (inbox: InboxService) => Promise<unknown>]> = [
      ['the list, newest first', (inbox) => inbox.list(viewer, {})],
      ['"Open" + "Mine"', (inbox) => inbox.list(viewer, { status: 'open', assignee: 'mine' })],
      [
        '"Verified" on one chatbot',
        (inbox) => inbox.list(viewer, { identity: 'verified', botId: bot.botId }),
      ],
      [
        'a later page',
        (inbox) =>
          inbox.list(viewer, {
            cursor: encodeInboxCursor({ lastActivityAt: clock + 5000, id: 'cnv_f' }),
          }),
      ],
      ['the conversation view', (inbox) => inbox.thread(viewer, viewedId)],
      ['marking it read', (inbox) => inbox.markRead(viewer, viewedId)],
    ];
    for (const [name, run] of requests) {
      it(`${name}: no statement reads a big table whole; counts and unread come from the summaries`, async () => {
        const statements = await statementsOf(run);
        assert.ok(statements.length > 0);
        for (const statement of statements) {
          const text = await queryPlan(t.services.db, dialect, statement);
          assert.doesNotMatch(text, fullScan, `${statement.sql}\n${text}`);
          // Summing `inbox_counts`'s few rows per chatbot may sort them, and so may the contact
          // panel one contact's conversations; nothing else sorts.
          if (!/(from|join) "(conversations|contacts|messages)"/.test(statement.sql)) continue;
          if (/"(contact_id|contacts"\."id)" = (\?|\$\d)/.test(statement.sql)) continue;
          const sort = dialect === 'sqlite' ? /TEMP B-TREE/ : /Sort\b/;
          assert.doesNotMatch(text, sort, `${statement.sql}\n${text}`);
        }
        if (name.startsWith('the conversation view') || name.startsWith('marking')) {
          // One conversation and its contact's few others: nothing walks the organization's.
          for (const statement of statements) {
            assert.doesNotMatch(
              await queryPlan(t.services.db, dialect, statement),
              walk,
              statement.sql,
            );
          }
          return;
        }
        // The page is the one statement of a list that reads conversations: the counts add up
        // `inbox_counts`, and the unread total counts the viewer's reads on a partial index.
        const readers = statements.filter((s) => /from "conversations"/.test(s.sql));
        assert.equal(readers.length, 1, readers.map((s) => s.sql).join('\n'));
        const unread = statements.find(
          (s) => /"conversation_reads"/.test(s.sql) && /count/.test(s.sql),
        );
        assert.ok(unread, 'the unread total');
        assert.match(
          await queryPlan(t.services.db, dialect, unread),
          /conversation_reads_open_read/,
        );
      });
    }

    for (const q of ['user1230@example', 'Visitor 117', 'USER-45']) {
      it(`a search ("${q}") finds its contacts through the trigram index, for the page and the counts`, async () => {
        const statements = await statementsOf((inbox) => inbox.list(viewer, { q }));
        const searching = statements.filter(
          (s) => /contact/.test(s.sql) && /(like|match)/i.test(s.sql),
        );
        assert.equal(searching.length, 2, 'the page and the counts');
        for (const statement of statements) {
          const text = await queryPlan(t.services.db, dialect, statement);
          assert.doesNotMatch(text, fullScan, `${statement.sql}\n${text}`);
          if (searching.includes(statement)) {
            assert.match(text, search, `${statement.sql}\n${text}`);
            // The matches' conversations through the narrow `(contact_id)` index (migration 008).
            assert.match(text, contactJoin, `${statement.sql}\n${text}`);
          }
          // From the matches, not from the organization's conversations newest first.
          assert.doesNotMatch(text, walk, `${statement.sql}\n${text}`);
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
