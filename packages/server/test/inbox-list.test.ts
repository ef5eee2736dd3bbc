import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type AdminClient, signedInAdmin } from './support/admin-client.js';
import { DIALECTS } from './support/databases.js';
import { seedConversation } from './support/inbox-seed.js';
import { type SeededBot, seedBot, startTestApp, type TestApp } from './support/test-app.js';

interface Row {
  id: string;
  lastActivityAt: number;
  status: string;
  badge: string;
  badgeSource: string;
  unread: boolean;
  assignee: { id: string; email: string } | null;
}

for (const dialect of DIALECTS) {
  describe(`inbox list: keyset pages, filters, counts and search (${dialect})`, () => {
    let t: TestApp;
    let bot: SeededBot;
    let otherBot: SeededBot;
    let agent: AdminClient;
    let agentId: string;
    const clock = Date.UTC(2030, 0, 1, 9);

    const list = async (query = '') => {
      const res = await agent.call('GET', `/api/admin/conversations${query}`);
      assert.equal(res.statusCode, 200, res.body);
      return res.json() as {
        conversations: Row[];
        nextCursor: string | null;
        counts: {
          status: Record<string, number>;
          identity: Record<string, number>;
          assignee: Record<string, number>;
        };
        unreadTotal: number;
      };
    };
    const ids = async (query: string) => (await list(query)).conversations.map((row) => row.id);

    // 30 conversations in one organization, on two bots, with ties in activity time (the
    // keyset's id breaks them), a mix of states, and a few named contacts to search for.
    const seeded: Array<{ id: string; at: number }> = [];
    const named: Record<string, string> = {};

    before(async () => {
      t = await startTestApp(dialect, {}, { now: () => clock });
      bot = await seedBot(t.services, false);
      otherBot = await seedBot(t.services, false);
      agent = await signedInAdmin(t.app, t.services, 'agent@acme.test', 'agent', bot.orgId);
      const user = await t.services.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'agent@acme.test')
        .executeTakeFirstOrThrow();
      agentId = user.id;
      const db = t.services.db;
      for (let i = 0; i < 30; i++) {
        const at = clock - Math.floor(i / 3) * 1000; // three conversations per second
        const { conversationId } = await seedConversation(db, {
          orgId: bot.orgId,
          botId: i % 5 === 0 ? otherBot.botId : bot.botId,
          at,
          identity: (['anonymous', 'self-reported', 'verified'] as const)[i % 3],
          status: i % 4 === 0 ? 'closed' : i % 4 === 1 ? 'human' : 'bot',
          assigneeId: i % 6 === 0 ? agentId : null,
          ...(i % 3 === 2 ? { sub: `user-${i}` } : {}),
        });
        seeded.push({ id: conversationId, at });
      }
      // otherBot belongs to another organization: its own conversation never shows here.
      await seedConversation(db, { orgId: otherBot.orgId, botId: otherBot.botId, at: clock });
      const people = [
        { key: 'name', name: 'Zoë Marlowe', email: 'zoe@example.com' },
        { key: 'email', name: null, email: 'Quentin.Blake@Example.org' },
        { key: 'percent', name: '100% sure', email: null },
        { key: 'underscore', name: 'a_b', email: null },
        { key: 'plain', name: '1000 sure', email: 'axb@example.net' },
      ];
      for (const person of people) {
        const { conversationId } = await seedConversation(db, {
          orgId: bot.orgId,
          botId: bot.botId,
          at: clock - 100_000,
          identity: 'self-reported',
          name: person.name,
          email: person.email,
        });
        named[person.key] = conversationId;
      }
      const { conversationId } = await seedConversation(db, {
        orgId: bot.orgId,
        botId: bot.botId,
        at: clock - 100_000,
        sub: 'Ext-User-42',
        name: 'Verified Person',
      });
      named.sub = conversationId;
    });
    after(() => t.close());

    it('pages cover every conversation exactly once, newest activity first, ties by id', async () => {
      const all = (await t.services.db
        .selectFrom('conversations')
        .select(['id', 'last_activity_at'])
        .where('organization_id', '=', bot.orgId)
        .execute()) as Array<{ id: string; last_activity_at: number }>;
      const expected = all
        .map((row) => ({ id: row.id, at: Number(row.last_activity_at) }))
        .sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
        .map((row) => row.id);
      assert.equal(expected.length, 36);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = `?limit=7${cursor ? `&cursor=${cursor}` : ''}`;
        const page = await list(query);
        assert.ok(page.conversations.length <= 7);
        seen.push(...page.conversations.map((row) => row.id));
        cursor = page.nextCursor;
        pages++;
      } while (cursor !== null);
      assert.equal(pages, 6);
      assert.deepEqual(seen, expected);
      // The default page is 50, so one page holds all 36.
      assert.equal((await list()).nextCursor, null);
    });

    it('refuses a limit outside 1–100 and a cursor it did not make', async () => {
      for (const query of ['limit=0', 'limit=101', 'limit=ten', 'cursor=bm9wZQ', 'status=maybe']) {
        const res = await agent.call('GET', `/api/admin/conversations?${query}`);
        assert.equal(res.statusCode, 400, query);
        assert.equal(res.json().error, 'invalid_request');
      }
      assert.equal((await list('?limit=100')).conversations.length, 36);
    });

    it('filters by status, identity, assignee and chatbot, each with counts under the others', async () => {
      const db = t.services.db;
      const rows = await db
        .selectFrom('conversations')
        .selectAll()
        .where('organization_id', '=', bot.orgId)
        .execute();
      const expectIds = (keep: (row: (typeof rows)[number]) => boolean) =>
        rows
          .filter(keep)
          .map((row) => row.id)
          .sort();
      const sorted = (xs: string[]) => [...xs].sort();

      assert.deepEqual(
        sorted(await ids('?status=open')),
        expectIds((r) => r.status !== 'closed'),
      );
      assert.deepEqual(
        sorted(await ids('?status=closed')),
        expectIds((r) => r.status === 'closed'),
      );
      assert.deepEqual(
        sorted(await ids('?identity=verified')),
        expectIds((r) => r.identity === 'verified'),
      );
      assert.deepEqual(
        sorted(await ids('?assignee=mine')),
        expectIds((r) => r.assignee_id === agentId),
      );
      assert.deepEqual(
        sorted(await ids('?assignee=unassigned')),
        expectIds((r) => r.assignee_id === null),
      );
      assert.deepEqual(
        sorted(await ids(`?botId=${otherBot.botId}`)),
        expectIds((r) => r.chatbot_id === otherBot.botId),
      );
      const combined = await list(
        `?status=open&identity=self-reported&assignee=unassigned&botId=${bot.botId}`,
      );
      const inBot = (r: (typeof rows)[number]) => r.chatbot_id === bot.botId;
      assert.deepEqual(
        sorted(combined.conversations.map((row) => row.id)),
        expectIds(
          (r) =>
            inBot(r) &&
            r.status !== 'closed' &&
            r.identity === 'self-reported' &&
            r.assignee_id === null,
        ),
      );
      const count = (keep: (row: (typeof rows)[number]) => boolean) => rows.filter(keep).length;
      // Status counts ignore the status filter but keep the others; and so on.
      const statusBase = (r: (typeof rows)[number]) =>
        inBot(r) && r.identity === 'self-reported' && r.assignee_id === null;
      const identityBase = (r: (typeof rows)[number]) =>
        inBot(r) && r.status !== 'closed' && r.assignee_id === null;
      const assigneeBase = (r: (typeof rows)[number]) =>
        inBot(r) && r.status !== 'closed' && r.identity === 'self-reported';
      assert.deepEqual(combined.counts, {
        status: {
          open: count((r) => statusBase(r) && r.status !== 'closed'),
          closed: count((r) => statusBase(r) && r.status === 'closed'),
        },
        identity: {
          verified: count((r) => identityBase(r) && r.identity === 'verified'),
          'self-reported': count((r) => identityBase(r) && r.identity === 'self-reported'),
          anonymous: count((r) => identityBase(r) && r.identity === 'anonymous'),
        },
        assignee: {
          mine: count((r) => assigneeBase(r) && r.assignee_id === agentId),
          unassigned: count((r) => assigneeBase(r) && r.assignee_id === null),
          all: count(assigneeBase),
        },
      });
      assert.ok(combined.counts.identity.verified > 0 && combined.counts.status.closed > 0);
      // Unfiltered counts cover the organization, and nothing of the other one.
      const everything = await list();
      assert.equal(everything.counts.assignee.all, 36);
      assert.equal(everything.counts.status.open + everything.counts.status.closed, 36);
    });

    it('each row carries its badge, its tooltip text and its assignee', async () => {
      const rows = (await list('?limit=100')).conversations;
      const texts = Object.fromEntries(rows.map((row) => [row.badge, row.badgeSource]));
      assert.deepEqual(texts, {
        verified: 'Verified: signed token',
        'self-reported': 'Self-reported by the visitor',
        anonymous: 'Anonymous: nothing known',
      });
      const mine = rows.filter((row) => row.assignee !== null);
      assert.ok(mine.length > 0);
      for (const row of mine) assert.deepEqual(row.assignee, { id: agentId, email: agent.email });
    });

    it('searches name, email and user id, case-insensitively; % and _ match literally', async () => {
      const search = (q: string) => ids(`?q=${encodeURIComponent(q)}`);
      assert.deepEqual(await search('zoë MAR'), [named.name]);
      assert.deepEqual(await search('quentin.blake@example'), [named.email]);
      assert.deepEqual(await search('ext-user-4'), [named.sub]);
      assert.deepEqual(await search('%'), [named.percent]);
      assert.deepEqual(await search('0% s'), [named.percent]);
      assert.deepEqual(await search('a_b'), [named.underscore]);
      assert.deepEqual(await search('nobody at all'), []);
      // Counts follow the search too.
      const found = await list(`?q=${encodeURIComponent('%')}`);
      assert.equal(found.counts.assignee.all, 1);
      assert.equal(found.counts.identity['self-reported'], 1);
    });
  });
}
