import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createOrganization } from '../src/accounts/organizations-repository.js';
import { createChatbot } from '../src/bots/chatbots-repository.js';
import { type AdminClient, signedInAdmin } from './support/admin-client.js';
import { DIALECTS } from './support/databases.js';
import { openAdminStream } from './support/inbox-seed.js';
import { type SeededBot, seedBot, startTestApp, type TestApp } from './support/test-app.js';
import { signHs256 } from './support/tokens.js';
import { WidgetClient } from './support/widget-client.js';

const CHANGES = ['assign', 'unassign', 'close', 'reopen', 'read'] as const;

for (const dialect of DIALECTS) {
  describe(`inbox conversation: unread per agent, assignment, contact panel, tenancy (${dialect})`, () => {
    let t: TestApp;
    let bot: SeededBot;
    let agentA: AdminClient;
    let agentB: AdminClient;
    let outsider: AdminClient;
    let baseUrl: string;
    let clock = Date.UTC(2030, 0, 1, 9);

    const verifiedVisitor = async (sub: string, claims: { name?: string; email?: string }) => {
      const visitor = new WidgetClient(t.app, bot);
      const token = signHs256(bot.secret ?? '', { sub, ...claims, exp: clock / 1000 + 600 });
      assert.equal((await visitor.verify(token)).statusCode, 200);
      return visitor;
    };
    /** A visitor's message (the bot's reply drained): the conversation's id. */
    const say = async (visitor: WidgetClient, text: string) => {
      const res = await visitor.send(text);
      assert.equal(res.statusCode, 200, res.body);
      await t.app.replies.drain();
      return res.json().message.conversationId as string;
    };
    const get = async (client: AdminClient, id: string) => {
      const res = await client.call('GET', `/api/admin/conversations/${id}`);
      assert.equal(res.statusCode, 200, res.body);
      return res.json();
    };
    const post = async (client: AdminClient, id: string, action: string) => {
      const res = await client.call('POST', `/api/admin/conversations/${id}/${action}`);
      assert.equal(res.statusCode, 200, res.body);
      return res.json();
    };
    const row = async (client: AdminClient, id: string) => {
      const res = await client.call('GET', '/api/admin/conversations?limit=100');
      const found = res.json().conversations.find((c: { id: string }) => c.id === id);
      assert.ok(found, `row ${id}`);
      return { row: found, unreadTotal: res.json().unreadTotal as number };
    };

    before(async () => {
      t = await startTestApp(dialect, {}, { now: () => clock });
      bot = await seedBot(t.services);
      agentA = await signedInAdmin(t.app, t.services, 'a@acme.test', 'agent', bot.orgId);
      agentB = await signedInAdmin(t.app, t.services, 'b@acme.test', 'admin', bot.orgId);
      outsider = await signedInAdmin(t.app, t.services, 'x@other.test', 'owner');
      baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
    });
    after(() => t.close());

    it('unread is per agent: A reads, B still has it unread; reading the thread alone does not mark it', async () => {
      clock += 1000;
      const visitor = new WidgetClient(t.app, bot);
      await visitor.startAnonymous();
      const id = await say(visitor, 'is anyone there?');
      const before = await row(agentA, id);
      assert.equal(before.row.unread, true);
      assert.equal((await get(agentA, id)).unread, true);
      assert.equal((await row(agentA, id)).row.unread, true, 'GET does not mark read');

      const read = await post(agentA, id, 'read');
      assert.equal(read.unread, false);
      assert.equal(read.unreadTotal, before.unreadTotal - 1);
      assert.ok(read.lastReadSeq > 0);
      assert.equal((await row(agentA, id)).row.unread, false);
      assert.equal((await get(agentA, id)).unread, false);
      assert.equal((await row(agentB, id)).row.unread, true, 'B has not read it');

      // The bot's reply is not a reason to look again; the visitor's next message is.
      clock += 1000;
      await say(visitor, 'hello?');
      const again = await row(agentA, id);
      assert.equal(again.row.unread, true);
      assert.equal(again.unreadTotal, before.unreadTotal);
    });

    it('assign to me, unassign, close, reopen; reopen is refused while the contact has another open conversation', async () => {
      clock += 1000;
      const visitor = new WidgetClient(t.app, bot);
      await visitor.startAnonymous();
      const id = await say(visitor, 'I need help');

      const assigned = (await post(agentA, id, 'assign')).conversation;
      assert.equal(assigned.assignee.email, 'a@acme.test');
      assert.equal(
        (await agentA.call('GET', '/api/admin/conversations?assignee=mine')).json().conversations[0]
          .id,
        id,
      );
      assert.equal((await post(agentB, id, 'assign')).conversation.assignee.email, 'b@acme.test');
      assert.equal((await post(agentB, id, 'unassign')).conversation.assignee, null);

      clock += 1000;
      const closed = (await post(agentA, id, 'close')).conversation;
      assert.equal(closed.status, 'closed');
      assert.equal(closed.lastActivityAt, clock);
      clock += 1000;
      const reopened = (await post(agentA, id, 'reopen')).conversation;
      assert.equal(reopened.status, 'human');
      assert.equal(reopened.lastActivityAt, clock);
      // The visitor writes into the reopened conversation, and the bot stays quiet there.
      assert.equal(await say(visitor, 'thanks for reopening'), id);
      assert.equal((await visitor.history()).json().messages.at(-1).author, 'visitor');

      await post(agentA, id, 'close');
      const next = await say(visitor, 'a new question');
      assert.notEqual(next, id);
      const refused = await agentA.call('POST', `/api/admin/conversations/${id}/reopen`);
      assert.equal(refused.statusCode, 409);
      assert.deepEqual(refused.json(), {
        error: 'conversation_already_open',
        message: 'The contact already has another open conversation.',
      });
      assert.equal((await get(agentA, id)).conversation.status, 'closed');
    });

    it('the contact panel marks verified and self-reported details, lists other conversations, and warns of a borrowed email', async () => {
      clock += 1000;
      const vera = await verifiedVisitor('user-vera', { name: 'Vera', email: 'Vera@Example.com' });
      const veraFirst = await say(vera, 'first question');
      await post(agentA, veraFirst, 'close');
      clock += 1000;
      const veraSecond = await say(vera, 'second question');
      const verified = await get(agentA, veraSecond);
      assert.deepEqual(verified.contact, {
        id: verified.conversation.contactId,
        userId: { value: 'user-vera', source: 'verified' },
        name: { value: 'Vera', source: 'verified' },
        email: { value: 'Vera@Example.com', source: 'verified' },
      });
      assert.deepEqual(
        verified.otherConversations.map((c: { id: string; status: string }) => [c.id, c.status]),
        [[veraFirst, 'closed']],
      );
      assert.equal(verified.impersonationWarning, false);
      assert.ok(
        verified.messages.every(
          (m: { identitySource: string; author: string }) =>
            m.identitySource === 'verified' && ['visitor', 'bot'].includes(m.author),
        ),
      );

      clock += 1000;
      const poser = new WidgetClient(t.app, bot);
      await poser.startAnonymous({ name: 'Vera', email: 'vera@example.COM' });
      const posed = await get(agentA, await say(poser, 'it is me, Vera'));
      assert.deepEqual(posed.contact, {
        id: posed.conversation.contactId,
        userId: null,
        name: { value: 'Vera', source: 'self-reported' },
        email: { value: 'vera@example.COM', source: 'self-reported' },
      });
      assert.equal(posed.conversation.badge, 'self-reported');
      assert.equal(posed.conversation.badgeSource, 'Self-reported by the visitor');
      assert.equal(posed.impersonationWarning, true);
      assert.ok(
        posed.messages.every(
          (m: { identitySource: string }) => m.identitySource === 'self-reported',
        ),
      );

      // Only the same chatbot's verified contacts count.
      clock += 1000;
      const otherBotId = (await createChatbot(t.services.db, bot.orgId, 'Sales', clock)).id;
      const elsewhere = new WidgetClient(t.app, { ...bot, botId: otherBotId });
      await elsewhere.startAnonymous({ email: 'vera@example.com' });
      assert.equal((await get(agentA, await say(elsewhere, 'hi'))).impersonationWarning, false);
    });

    it('another organization gets 404 on every route and never sees the conversation in lists or counts', async () => {
      clock += 1000;
      const visitor = new WidgetClient(t.app, bot);
      await visitor.startAnonymous({ name: 'Private Person' });
      const id = await say(visitor, 'only for Acme');
      const before = await get(agentA, id);
      const url = `/api/admin/conversations/${id}`;
      for (const res of [
        await outsider.call('GET', url),
        await outsider.call('POST', `${url}/messages`, { text: 'hi' }),
        ...(await Promise.all(CHANGES.map((action) => outsider.call('POST', `${url}/${action}`)))),
      ]) {
        assert.equal(res.statusCode, 404, res.body);
        assert.equal(res.json().error, 'conversation_not_found');
      }
      const list = await outsider.call('GET', '/api/admin/conversations?q=Private');
      assert.deepEqual(list.json().conversations, []);
      const all = (await outsider.call('GET', '/api/admin/conversations')).json();
      assert.deepEqual(all.conversations, []);
      assert.equal(all.counts.assignee.all, 0);
      assert.equal(all.unreadTotal, 0);
      // Nothing changed for Acme.
      assert.deepEqual(await get(agentA, id), before);
    });

    it('no session → 401 everywhere; a state change without X-Hilal-CSRF → 403', async () => {
      clock += 1000;
      const visitor = new WidgetClient(t.app, bot);
      await visitor.startAnonymous();
      const id = await say(visitor, 'hello');
      const url = `/api/admin/conversations/${id}`;
      const anonymous = [
        ['GET', '/api/admin/conversations'],
        ['GET', url],
        ['GET', '/api/admin/events'],
        ['POST', `${url}/messages`],
        ...CHANGES.map((action) => ['POST', `${url}/${action}`]),
      ] as const;
      for (const [method, path] of anonymous) {
        const res = await t.app.inject({
          method,
          url: path,
          headers: { 'x-hilal-csrf': '1' },
          ...(method === 'POST' ? { payload: { text: 'hi' } } : {}),
        });
        assert.equal(res.statusCode, 401, `${method} ${path}`);
        assert.equal(res.json().error, 'unauthorized');
      }
      for (const action of [...CHANGES, 'messages']) {
        const res = await agentA.call('POST', `${url}/${action}`, { text: 'hi' }, { csrf: false });
        assert.equal(res.statusCode, 403, action);
        assert.equal(res.json().error, 'forbidden');
      }
      const after = await get(agentA, id);
      assert.equal(after.conversation.assignee, null);
      assert.equal(after.unread, true);
      assert.equal(after.messages.length, 2);
    });

    it('the live stream tells agents of messages, assignment, close and reopen; ten streams per user at most', async () => {
      clock += 1000;
      const stream = await openAdminStream(baseUrl, agentB.cookie);
      const visitor = new WidgetClient(t.app, bot);
      await visitor.startAnonymous();
      const id = await say(visitor, 'live?');
      const events = () =>
        stream.events
          .filter((event) => event.event === 'conversation')
          .map((event) => JSON.parse(event.data))
          .filter((data) => data.conversationId === id);
      const waitForCount = async (n: number) => {
        await stream.waitFor(() => events().length >= n);
      };
      await waitForCount(2); // the visitor's message, the bot's reply
      await agentA.call('POST', `/api/admin/conversations/${id}/messages`, { text: 'Omar here' });
      await waitForCount(3);
      for (const action of ['assign', 'close', 'reopen']) await post(agentA, id, action);
      await waitForCount(6);
      assert.deepEqual(Object.keys(events()[0]).sort(), ['conversationId', 'lastActivityAt']);
      assert.equal(events().at(-1).lastActivityAt, clock);

      // Another organization's activity never reaches this stream.
      const otherOrg = await createOrganization(t.services.db, 'Other', clock);
      const otherBotId = (await createChatbot(t.services.db, otherOrg.id, 'Theirs', clock)).id;
      const foreign = new WidgetClient(t.app, {
        orgId: otherOrg.id,
        botId: otherBotId,
        secret: undefined,
      });
      await foreign.startAnonymous();
      const foreignId = await say(foreign, 'elsewhere');
      await agentA.call('POST', `/api/admin/conversations/${id}/unassign`);
      await waitForCount(7);
      assert.ok(stream.events.every((event) => !event.data.includes(foreignId)));

      const more: Array<Awaited<ReturnType<typeof openAdminStream>>> = [];
      for (let i = 0; i < 9; i++) more.push(await openAdminStream(baseUrl, agentB.cookie));
      const refused = await fetch(`${baseUrl}/api/admin/events`, {
        headers: { cookie: agentB.cookie },
      });
      assert.equal(refused.status, 429);
      assert.equal(((await refused.json()) as { error: string }).error, 'too_many_inbox_streams');
      assert.equal(refused.headers.get('retry-after'), '5');
      // Agent A has places of their own.
      const a = await openAdminStream(baseUrl, agentA.cookie);
      a.close();
      for (const s of [stream, ...more]) s.close();
    });
  });
}
