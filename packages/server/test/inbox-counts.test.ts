import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InboxListQuery } from '@hilal/contract';
import { createChatbot } from '../src/bots/chatbots-repository.js';
import {
  setContactEmail,
  upsertVerifiedContact,
  upsertVisitorContact,
} from '../src/chat/contacts-repository.js';
import { createConversation, findOpenConversation } from '../src/chat/conversations-repository.js';
import { storeMessage } from '../src/chat/messages-repository.js';
import type { IdentityState } from '../src/db/schema.js';
import { HilalError } from '../src/errors.js';
import { newId } from '../src/ids.js';
import type { InboxViewer } from '../src/inbox/inbox-filters.js';
import { createInboxService, type InboxService } from '../src/inbox/inbox-service.js';
import { DIALECTS } from './support/databases.js';
import { seedBot, startTestApp, type TestApp } from './support/test-app.js';

/** A small seeded generator: the same run every time, and a failure can be replayed. */
function random(seed: number) {
  let state = seed;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    below: (n: number) => Math.floor(next() * n),
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)] as T,
  };
}

const FILTERS: InboxListQuery[] = [
  {},
  { status: 'open' },
  { status: 'closed', identity: 'verified' },
  { assignee: 'mine' },
  { assignee: 'unassigned', identity: 'anonymous' },
  { status: 'open', identity: 'self-reported', assignee: 'mine' },
  { q: 'mail' },
  { q: 'ACME', status: 'open' },
  { q: 'zo' },
];

for (const dialect of DIALECTS) {
  describe(`inbox counts and unread stay exact through every change (${dialect})`, () => {
    let t: TestApp;
    let inbox: InboxService;
    let orgId: string;
    let bots: string[];
    let agents: string[];
    let otherOrg: { orgId: string; botId: string };
    let clock = Date.UTC(2030, 0, 1, 9);
    const now = () => clock;

    const addAgent = async (organizationId: string, email: string) =>
      (
        await t.services.db
          .insertInto('users')
          .values({
            id: newId('usr'),
            organization_id: organizationId,
            email,
            password_hash: 'x',
            role: 'agent',
            created_at: clock,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;

    before(async () => {
      t = await startTestApp(dialect, {}, { now });
      inbox = createInboxService({
        db: t.services.db,
        dialect,
        store: t.services.store,
        now,
      });
      const first = await seedBot(t.services, false);
      orgId = first.orgId;
      const second = await createChatbot(t.services.db, orgId, 'Sales', clock);
      bots = [first.botId, second.id];
      agents = [await addAgent(orgId, 'ana@acme.test'), await addAgent(orgId, 'bo@acme.test')];
      const other = await seedBot(t.services, false);
      otherOrg = { orgId: other.orgId, botId: other.botId };
    });
    after(() => t.close());

    /** A visitor's message as the widget's transaction writes it (chat-service.ts). */
    async function visitorMessage(
      organizationId: string,
      chatbotId: string,
      who: { visitorId?: string; sub?: string; name: string | null; email: string | null },
      identity: IdentityState,
    ) {
      clock += 1000;
      return t.services.db.transaction().execute(async (trx) => {
        const key = { organizationId, chatbotId, name: who.name, email: who.email };
        const contact =
          who.sub !== undefined
            ? await upsertVerifiedContact(trx, { ...key, sub: who.sub }, clock)
            : await upsertVisitorContact(trx, { ...key, visitorId: who.visitorId ?? '' }, clock);
        const conversation =
          (await findOpenConversation(trx, organizationId, contact.id)) ??
          (await createConversation(
            trx,
            { organizationId, chatbotId, contactId: contact.id, identity },
            clock,
          ));
        await storeMessage(
          trx,
          dialect,
          {
            organizationId,
            conversationId: conversation.id,
            clientMessageId: newId('msg'),
            author: 'visitor',
            text: 'hello',
            identitySource: identity,
          },
          { identity },
          clock,
        );
        return { contactId: contact.id, conversationId: conversation.id };
      });
    }

    /** What the list should say, worked out from every row in JavaScript. */
    async function bruteForce(viewer: InboxViewer, query: InboxListQuery) {
      const { db } = t.services;
      const rows = await db
        .selectFrom('conversations')
        .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
        .select([
          'conversations.id',
          'conversations.status',
          'conversations.identity',
          'conversations.assignee_id',
          'contacts.name',
          'contacts.email',
          'contacts.sub',
        ])
        .where('conversations.organization_id', '=', viewer.organizationId)
        .execute();
      const messages = await db
        .selectFrom('messages')
        .select(['conversation_id', 'seq'])
        .where('author', '=', 'visitor')
        .where('organization_id', '=', viewer.organizationId)
        .execute();
      const reads = await db
        .selectFrom('conversation_reads')
        .select(['conversation_id', 'last_read_seq'])
        .where('user_id', '=', viewer.userId)
        .execute();
      const lastRead = new Map(reads.map((r) => [r.conversation_id, Number(r.last_read_seq)]));
      const unread = (id: string) =>
        messages.some((m) => m.conversation_id === id && Number(m.seq) > (lastRead.get(id) ?? 0));
      const q = query.q?.trim().toLowerCase();
      const found = rows.filter(
        (r) => !q || [r.name, r.email, r.sub].some((v) => v?.toLowerCase().includes(q)),
      );
      type R = (typeof found)[number];
      const passes = {
        status: (r: R) =>
          query.status === undefined || (query.status === 'closed') === (r.status === 'closed'),
        identity: (r: R) => query.identity === undefined || query.identity === r.identity,
        assignee: (r: R) =>
          query.assignee === undefined ||
          query.assignee === 'all' ||
          (query.assignee === 'mine' ? r.assignee_id === viewer.userId : r.assignee_id === null),
      };
      const under = (omit: keyof typeof passes, test: (r: R) => boolean) =>
        found.filter(
          (r) =>
            (Object.keys(passes) as Array<keyof typeof passes>).every(
              (facet) => facet === omit || passes[facet](r),
            ) && test(r),
        ).length;
      return {
        counts: {
          status: {
            open: under('status', (r) => r.status !== 'closed'),
            closed: under('status', (r) => r.status === 'closed'),
          },
          identity: {
            verified: under('identity', (r) => r.identity === 'verified'),
            'self-reported': under('identity', (r) => r.identity === 'self-reported'),
            anonymous: under('identity', (r) => r.identity === 'anonymous'),
          },
          assignee: {
            mine: under('assignee', (r) => r.assignee_id === viewer.userId),
            unassigned: under('assignee', (r) => r.assignee_id === null),
            all: under('assignee', () => true),
          },
        },
        unreadTotal: rows.filter((r) => r.status !== 'closed' && unread(r.id)).length,
        unread,
      };
    }

    async function assertExact(step: string) {
      for (const userId of agents) {
        const viewer = { organizationId: orgId, userId };
        for (const query of FILTERS) {
          const got = await inbox.list(viewer, { ...query, limit: '100' });
          const want = await bruteForce(viewer, query);
          const where = `${step}, ${userId}, ${JSON.stringify(query)}`;
          assert.deepEqual(got.counts, want.counts, where);
          assert.equal(got.unreadTotal, want.unreadTotal, where);
          for (const row of got.conversations) assert.equal(row.unread, want.unread(row.id), where);
        }
      }
    }

    it('after creates, messages, identity changes, assignments, closes, reopens, reads and a removed agent', async () => {
      const rng = random(8);
      const people = [
        { visitorId: 'vis_1', name: 'Zoë Acme', email: null },
        { visitorId: 'vis_2', name: null, email: 'zo@mail.test' },
        { visitorId: 'vis_3', name: null, email: null },
        { sub: 'user-7', name: 'Acme Seven', email: 'seven@acme.test' },
        { sub: 'user-8', name: 'Eight', email: 'eight@mail.test' },
      ];
      const contacts: string[] = [];
      const conversationIds = new Set<string>();
      const actions = [
        'message',
        'message',
        'new',
        'reply',
        'assign',
        'unassign',
        'close',
        'reopen',
        'read',
        'email',
      ] as const;
      for (let step = 0; step < 240; step++) {
        const action = step < 12 ? 'new' : rng.pick(actions);
        const viewer = { organizationId: orgId, userId: rng.pick(agents) };
        const conversationId = rng.pick([...conversationIds]);
        try {
          if (action === 'new' || action === 'message') {
            const base = rng.pick(people);
            // 'new' makes a fresh browser or user, 'message' writes as someone known.
            const who =
              action === 'new'
                ? 'sub' in base
                  ? { ...base, sub: `user-${step}` }
                  : { ...base, visitorId: `vis_new_${step}` }
                : base;
            const identity: IdentityState =
              'sub' in who ? 'verified' : rng.pick(['anonymous', 'self-reported'] as const);
            const made = await visitorMessage(orgId, rng.pick(bots), who, identity);
            contacts.push(made.contactId);
            conversationIds.add(made.conversationId);
          } else if (action === 'reply') {
            clock += 1000;
            await inbox.reply(viewer, conversationId, 'On it');
          } else if (action === 'assign') {
            await inbox.assign(viewer, conversationId);
          } else if (action === 'unassign') {
            await inbox.unassign(viewer, conversationId);
          } else if (action === 'close') {
            await inbox.close(viewer, conversationId);
          } else if (action === 'reopen') {
            await inbox.reopen(viewer, conversationId);
          } else if (action === 'read') {
            await inbox.markRead(viewer, conversationId);
          } else {
            await setContactEmail(
              t.services.db,
              orgId,
              rng.pick(contacts),
              `n${step}@mail.test`,
              clock,
            );
          }
        } catch (error) {
          // A reopen while the contact has another open conversation is refused, as it should be.
          if (!(error instanceof HilalError && error.code === 'conversation_already_open'))
            throw error;
        }
        if (step % 40 === 39) await assertExact(`step ${step} (${action})`);
      }
      // A removed member's conversations become unassigned and their reads go.
      const removed = agents.pop() ?? '';
      await t.services.db.deleteFrom('users').where('id', '=', removed).execute();
      await assertExact('after removing an agent');
      // Nothing of another organization is counted.
      await visitorMessage(
        otherOrg.orgId,
        otherOrg.botId,
        people[0] ?? { name: null, email: null },
        'self-reported',
      );
      await assertExact('after another organization writes');
    });

    it('the summary equals a count of the conversations, per organization', async () => {
      const { db } = t.services;
      const summary = await db
        .selectFrom('inbox_counts')
        .select([
          'organization_id',
          'chatbot_id',
          'status',
          'identity',
          'assignee',
          'conversations',
        ])
        .where('conversations', '!=', 0)
        .execute();
      const direct = await db
        .selectFrom('conversations')
        .select((eb) => [
          'organization_id',
          'chatbot_id',
          'status',
          'identity',
          'assignee_id',
          eb.fn.countAll<number>().as('n'),
        ])
        .groupBy(['organization_id', 'chatbot_id', 'status', 'identity', 'assignee_id'])
        .execute();
      const key = (
        r: { organization_id: string; chatbot_id: string; status: string; identity: string },
        assignee: string | null,
        n: number,
      ) => `${r.organization_id}/${r.chatbot_id}/${r.status}/${r.identity}/${assignee ?? ''}=${n}`;
      assert.deepEqual(
        summary.map((r) => key(r, r.assignee, Number(r.conversations))).sort(),
        direct.map((r) => key(r, r.assignee_id, Number(r.n))).sort(),
      );
    });
  });
}
