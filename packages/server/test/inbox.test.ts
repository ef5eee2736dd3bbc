import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createOrganization } from '../src/accounts/organizations-repository.js';
import { hashPassword } from '../src/accounts/password-hash.js';
import { createUser } from '../src/accounts/users-repository.js';
import { DIALECTS } from './support/databases.js';
import { openStream } from './support/sse.js';
import { type SeededBot, seedBot, startTestApp, type TestApp } from './support/test-app.js';
import { signHs256 } from './support/tokens.js';
import { WidgetClient } from './support/widget-client.js';

async function signIn(
  t: TestApp,
  organizationId: string,
  email: string,
): Promise<Record<string, string>> {
  const password = 'agent password 123';
  await createUser(
    t.services.db,
    { organizationId, email, passwordHash: await hashPassword(password), role: 'agent' },
    t.services.now(),
  );
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password },
  });
  assert.equal(res.statusCode, 200);
  return { cookie: String(res.headers['set-cookie']).split(';')[0] ?? '', 'x-hilal-csrf': '1' };
}

for (const dialect of DIALECTS) {
  describe(`inbox: badges, verified claims, and an agent's reply reaching the widget live (${dialect})`, () => {
    let t: TestApp;
    let bot: SeededBot;
    let agent: Record<string, string>;
    let baseUrl: string;
    // The services' clock. The inbox orders conversations by time: every test moves it on
    // before it starts, and a step wherever an order must show.
    let clock = Date.UTC(2030, 0, 1, 9);
    /** A visitor whose browser holds a verified session for `sub`, signed at the test's time. */
    const verifiedVisitor = async (sub: string, claims: { name?: string; email?: string }) => {
      const visitor = new WidgetClient(t.app, bot);
      const token = signHs256(bot.secret ?? '', { sub, ...claims, exp: clock / 1000 + 600 });
      assert.equal((await visitor.verify(token)).statusCode, 200);
      return visitor;
    };

    before(async () => {
      t = await startTestApp(dialect, {}, { now: () => clock });
      bot = await seedBot(t.services);
      agent = await signIn(t, bot.orgId, 'agent@acme.test');
      baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
    });
    after(() => t.close());

    it('lists conversations newest first, each with its badge; verified claims are shown as such', async () => {
      clock += 1000;
      const verified = await verifiedVisitor('inbox-v', {
        name: 'Vera',
        email: 'vera@example.com',
      });
      await verified.sendAndAwaitReply('hello from a verified user');
      clock += 1000;
      const selfReported = new WidgetClient(t.app, bot);
      await selfReported.startAnonymous({ name: 'Sami', email: 'sami@example.com' });
      await selfReported.sendAndAwaitReply('hello from a self-reported visitor');
      clock += 1000;
      const anonymous = new WidgetClient(t.app, bot);
      await anonymous.startAnonymous();
      await anonymous.sendAndAwaitReply('hello from nobody in particular');

      const res = await t.app.inject({
        method: 'GET',
        url: '/api/admin/conversations',
        headers: agent,
      });
      assert.equal(res.statusCode, 200);
      const rows = res.json().conversations.slice(0, 3);
      assert.deepEqual(
        rows.map((row: { badge: string }) => row.badge),
        ['anonymous', 'self-reported', 'verified'],
      );
      assert.deepEqual(rows[2].contact, {
        kind: 'verified',
        verifiedClaims: { sub: 'inbox-v', name: 'Vera', email: 'vera@example.com' },
      });
      assert.deepEqual(rows[1].contact, {
        kind: 'visitor',
        selfReported: { name: 'Sami', email: 'sami@example.com' },
      });

      const detail = await t.app.inject({
        method: 'GET',
        url: `/api/admin/conversations/${rows[2].id}`,
        headers: agent,
      });
      const sources = detail
        .json()
        .messages.map((m: { identitySource: string }) => m.identitySource);
      assert.ok(sources.length >= 2);
      assert.ok(sources.every((source: string) => source === 'verified'));
    });

    it("an agent's reply reaches the widget live, and the bot then stays quiet", async () => {
      clock += 1000;
      const visitor = await verifiedVisitor('inbox-live', { name: 'Lina' });
      const sent = (await visitor.send('I need a person')).json().message;
      await t.app.replies.drain();
      const stream = await openStream(baseUrl, visitor.session ?? '');
      const reply = await t.app.inject({
        method: 'POST',
        url: `/api/admin/conversations/${sent.conversationId}/messages`,
        headers: agent,
        payload: { text: 'Hi Lina, Omar from support here.' },
      });
      assert.equal(reply.statusCode, 200);
      const live = await stream.waitFor(
        (event) => event.event === 'message' && JSON.parse(event.data).author === 'agent',
      );
      stream.close();
      assert.equal(JSON.parse(live.data).text, 'Hi Lina, Omar from support here.');

      await visitor.send('thanks Omar');
      await t.app.replies.drain();
      const history = (await visitor.history()).json().messages;
      assert.equal(history.at(-1).text, 'thanks Omar', 'no bot reply after a human took over');
    });

    it('closing hands the visitor back to the bot in a new conversation', async () => {
      clock += 1000;
      const visitor = new WidgetClient(t.app, bot);
      await visitor.startAnonymous();
      const sent = (await visitor.send('I need a person please')).json().message;
      await t.app.replies.drain();
      const closed = await t.app.inject({
        method: 'POST',
        url: `/api/admin/conversations/${sent.conversationId}/close`,
        headers: agent,
      });
      assert.equal(closed.statusCode, 200);
      assert.equal(closed.json().conversation.status, 'closed');
      const history = await visitor.sendAndAwaitReply('hello again');
      assert.equal(history.messages.length, 2, 'a new conversation: the message and the bot reply');
      assert.equal(history.messages.at(-1)?.author, 'bot');
    });

    it("another organization's agent cannot see or answer the conversation", async () => {
      clock += 1000;
      const visitor = new WidgetClient(t.app, bot);
      await visitor.startAnonymous();
      const mine = (await visitor.send('only for my own organization')).json().message;
      await t.app.replies.drain();
      const other = await createOrganization(t.services.db, 'Other', clock);
      const outsider = await signIn(t, other.id, 'outsider@other.test');
      const list = await t.app.inject({
        method: 'GET',
        url: '/api/admin/conversations',
        headers: outsider,
      });
      assert.deepEqual(list.json().conversations, []);
      // The conversation is there, for the organization's own agent.
      const own = await t.app.inject({
        method: 'GET',
        url: `/api/admin/conversations/${mine.conversationId}`,
        headers: agent,
      });
      assert.equal(own.statusCode, 200);
      const read = await t.app.inject({
        method: 'GET',
        url: `/api/admin/conversations/${mine.conversationId}`,
        headers: outsider,
      });
      assert.equal(read.statusCode, 404);
      assert.equal(read.json().error, 'conversation_not_found');
      const write = await t.app.inject({
        method: 'POST',
        url: `/api/admin/conversations/${mine.conversationId}/messages`,
        headers: outsider,
        payload: { text: 'hi' },
      });
      assert.equal(write.statusCode, 404);
    });
  });
}
