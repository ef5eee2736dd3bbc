import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type CompiledQuery, type Kysely, sql } from 'kysely';
import type { Database } from '../src/db/schema.js';
import { DIALECTS, type TestDialect } from './support/databases.js';
import { queryPlan } from './support/query-plan.js';
import { type SeededBot, seedBot, startTestApp, type TestApp } from './support/test-app.js';
import { WidgetClient } from './support/widget-client.js';

const CONVERSATIONS = 100_000;

/**
 * `count` visitors of `bot`, each with a conversation (a tenth open) and a message, written by
 * three INSERT … SELECT over a counter, so that seeding takes seconds.
 */
async function bulkSeed(db: Kysely<Database>, bot: SeededBot, count: number, at: number) {
  const n = sql`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${sql.lit(count)})`;
  const org = sql.lit(bot.orgId);
  const chatbot = sql.lit(bot.botId);
  const t = sql.lit(at);
  await sql`${n} INSERT INTO contacts
      (id, organization_id, chatbot_id, kind, sub, visitor_id, name, email, created_at, updated_at)
    SELECT 'ctc_seed' || i, ${org}, ${chatbot}, 'visitor', NULL, 'vis_seed' || i, NULL, NULL, ${t}, ${t}
    FROM n`.execute(db);
  await sql`${n} INSERT INTO conversations
      (id, organization_id, chatbot_id, contact_id, identity, status, created_at, last_activity_at)
    SELECT 'cnv_seed' || i, ${org}, ${chatbot}, 'ctc_seed' || i, 'anonymous',
      CASE WHEN i % 10 = 0 THEN 'bot' ELSE 'closed' END, ${t}, ${t} + i
    FROM n`.execute(db);
  await sql`${n} INSERT INTO messages
      (id, organization_id, conversation_id, client_message_id, author, text, identity_source, created_at)
    SELECT 'msg_seed' || i, ${org}, 'cnv_seed' || i, NULL, 'bot', 'Hello!', 'anonymous', ${t} + i
    FROM n`.execute(db);
}

// Reading a whole big table, or a contact's conversation found through an organization's index.
const FULL_SCAN: Record<TestDialect, RegExp> = {
  sqlite: /\bSCAN (conversations|contacts|messages|open)\b/,
  postgres: /Seq Scan on (conversations|contacts|messages)\b/,
};
const CONTACT_INDEX: Record<TestDialect, RegExp> = {
  sqlite:
    /SEARCH conversations USING (COVERING )?INDEX conversations_contact_org \(contact_id=\? AND organization_id=\?\)(?!\nUSE TEMP B-TREE)/,
  postgres: /Index (Only )?Scan using conversations_contact_org on conversations/,
};

for (const dialect of DIALECTS) {
  describe(`chat path query plans at ${CONVERSATIONS.toLocaleString('en')} conversations (${dialect})`, () => {
    let t: TestApp;
    let recording = false;
    const statements = new Map<string, CompiledQuery>();
    const clock = Date.UTC(2030, 0, 1, 9);

    before(async () => {
      t = await startTestApp(
        dialect,
        {},
        {
          databaseLog: (event) => {
            const text = event.query.sql;
            if (recording && !/^(begin|commit|rollback|savepoint|release)\b/i.test(text))
              statements.set(text, event.query);
          },
        },
      );
      const bot = await seedBot(t.services);
      await bulkSeed(t.services.db, bot, CONVERSATIONS, clock - CONVERSATIONS - 1000);
      const url = await t.app.listen({ port: 0, host: '127.0.0.1' });

      // Every statement of the widget's flows, recorded: mint, post (a new conversation, then
      // an open one), history, the live stream with a replay, carry-over on sign-in, logout.
      recording = true;
      const widget = new WidgetClient(t.app, bot);
      await widget.startAnonymous({ name: 'Ann', email: 'ann@example.com' });
      await widget.sendAndAwaitReply('hello');
      await widget.sendAndAwaitReply('thanks');
      const controller = new AbortController();
      const stream = await fetch(`${url}/api/chat/events`, {
        headers: { ...widget.chatHeaders(), 'last-event-id': '1' },
        signal: controller.signal,
      });
      assert.equal(stream.status, 200);
      const reader = stream.body?.getReader();
      await reader?.read();
      controller.abort();
      const verified = await widget.verify(widget.token('user-1', { name: 'Ann' }));
      assert.equal(verified.statusCode, 200, verified.body);
      await widget.sendAndAwaitReply('hello again');
      const history = await widget.history();
      assert.equal(history.json().messages.length, 6);
      const logout = await t.app.inject({
        method: 'POST',
        url: '/api/chat/logout',
        headers: widget.chatHeaders(),
      });
      assert.equal(logout.statusCode, 204);
      recording = false;
    });
    after(() => t.close());

    // Every index holding `last_activity_at` moves with every message (on PostgreSQL every index
    // of the table does: the row's new version is never HOT), and every index of `messages` grows.
    it('a message moves only the indexes the inbox and the open conversation read', async () => {
      const { db } = t.services;
      const indexes = async (table: string, column: string) => {
        const rows =
          dialect === 'sqlite'
            ? await sql<{ name: string }>`select distinct il.name as name
                from pragma_index_list(${table}) il join pragma_index_info(il.name) ii
                where il.origin = 'c' and (${column} = '' or ii.name = ${column})`.execute(db)
            : await sql<{ name: string }>`select indexname as name from pg_indexes
                where tablename = ${table} and indexname not like '%_pkey' and indexname not like '%_key'
                and (${column} = '' or indexdef like '%' || ${column} || '%')`.execute(db);
        return rows.rows.map((row) => row.name).sort();
      };
      assert.deepEqual(await indexes('conversations', 'last_activity_at'), [
        'conversations_activity',
        'conversations_assignee_activity',
        'conversations_bot_activity',
        'conversations_contact_org',
        'conversations_identity_activity',
        'conversations_status_activity',
      ]);
      assert.deepEqual(await indexes('messages', ''), [
        'messages_client_id',
        'messages_conversation_seq',
      ]);
    });

    const stages = [
      ['without statistics', async () => {}],
      [
        'after ANALYZE',
        async () => {
          await sql`ANALYZE`.execute(t.services.db);
        },
      ],
    ] as const;
    for (const [stage, prepare] of stages) {
      it(`${stage}: every statement reads by index, the open conversation by its contact`, async () => {
        await prepare();
        assert.ok(statements.size > 10, `${statements.size} statements recorded`);
        let lookups = 0;
        for (const query of statements.values()) {
          const plan = await queryPlan(t.services.db, dialect, query);
          const where = `${query.sql}\n${plan}`;
          assert.doesNotMatch(plan, FULL_SCAN[dialect], where);
          if (/"conversations"\."status" != |"status" != /.test(query.sql)) {
            lookups += 1;
            assert.match(plan, CONTACT_INDEX[dialect], where);
          }
        }
        assert.ok(lookups >= 2, `${lookups} open-conversation lookups`);
      });
    }
  });
}
