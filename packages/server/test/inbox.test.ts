import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createOrganization } from '../src/accounts/organizations-repository.js';
import { hashPassword } from '../src/accounts/password-hash.js';
import { createUser } from '../src/accounts/users-repository.js';
import { DIALECTS } from './support/databases.js';
import { openStream } from './support/sse.js';
import { type SeededBot, seedBot, startTestApp, type TestApp } from './support/test-app.js';
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
    Date.now(),
  );
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password },
  });
  assert.equal(res.statusCode, 200);
  return { cookie: String(res.headers['set-cookie']).split(';')[0] ?? '', 'x-hilal-csrf': '1' };
}

/** Orders by time need distinct milliseconds: wait until the clock has moved on. */
async function nextMillisecond(): Promise<void> {
  const start = Date.now();
  while (Date.now() === start) await new Promise((resolve) => setImmediate(resolve));
}

for (const dialect of DIALECTS) {
  describe(`inbox: badges, verified claims, and an agent's reply reaching the widget live (${dialect})`, () => {
    let t: TestApp;
    let bot: SeededBot;
    let agent: Record<string, string>;
    let baseUrl: string;

    before(async () => {
      t = await startTestApp(dialect);
      bot = await seedBot(t.services);
      agent = await signIn(t, bot.orgId, 'agent@acme.test');
      baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
    });
    after(() => t.close());

    it('lists conversations newest first, each with its badge; verified claims are shown as such', async () => {
      const verified = new WidgetClient(t.app, bot);
      await verified.verify(verified.token('inbox-v', { name: 'Vera', email: 'vera@example.com' }));
      await verified.sendAndAwaitReply('hello from a verified user');
      await nextMillisecond();
      const selfReported = new WidgetClient(t.app, bot);
      await selfReported.startAnonymous({ name: 'Sami', email: 'sami@example.com' });
      await selfReported.sendAndAwaitReply('hello from a self-reported visitor');
      await nextMillisecond();
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
      const visitor = new WidgetClient(t.app, bot);
      await visitor.verify(visitor.token('inbox-live', { name: 'Lina' }));
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
      const other = await createOrganization(t.services.db, 'Other', Date.now());
      const outsider = await signIn(t, other.id, 'outsider@other.test');
      const list = await t.app.inject({
        method: 'GET',
        url: '/api/admin/conversations',
        headers: outsider,
      });
      assert.deepEqual(list.json().conversations, []);
      const mine = (
        await t.app.inject({ method: 'GET', url: '/api/admin/conversations', headers: agent })
      ).json().conversations[0];
      const read = await t.app.inject({
        method: 'GET',
        url: `/api/admin/conversations/${mine.id}`,
        headers: outsider,
      });
      assert.equal(read.statusCode, 404);
      assert.equal(read.json().error, 'conversation_not_found');
      const write = await t.app.inject({
        method: 'POST',
        url: `/api/admin/conversations/${mine.id}/messages`,
        headers: outsider,
        payload: { text: 'hi' },
      });
      assert.equal(write.statusCode, 404);
    });
  });
}
