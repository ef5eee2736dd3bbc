import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addKnowledgeEntry } from '../src/chat/knowledge/knowledge-repository.js';
import { DIALECTS } from './support/databases.js';
import { type SeededBot, seedBot, startTestApp, type TestApp } from './support/test-app.js';
import { WidgetClient } from './support/widget-client.js';

for (const dialect of DIALECTS) {
  describe(`chat API: identity states end to end (${dialect})`, () => {
    let t: TestApp;
    let bot: SeededBot;
    const browser = () => new WidgetClient(t.app, bot);

    before(async () => {
      t = await startTestApp(dialect);
      bot = await seedBot(t.services);
      await addKnowledgeEntry(
        t.services.db,
        {
          organizationId: bot.orgId,
          chatbotId: bot.botId,
          title: 'Shipping times',
          body: 'Orders ship within 2 business days.',
        },
        Date.now(),
      );
    });
    after(() => t.close());

    it('an anonymous session that claims to be verified is recorded as anonymous, and the mismatch is counted', async () => {
      const visitor = browser();
      await visitor.startAnonymous();
      visitor.belief = 'verified';
      const res = await visitor.send('hello there');
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['x-hilal-identity-source'], 'anonymous');
      assert.equal(res.json().message.identitySource, 'anonymous');
      await t.services.counters.flush();
      const counter = await t.services.db
        .selectFrom('bot_counters')
        .select('count')
        .where('chatbot_id', '=', bot.botId)
        .where('metric', '=', 'identity_mismatch')
        .executeTakeFirst();
      assert.ok(Number(counter?.count) >= 1);
    });

    it('a verified user is greeted by name and is never asked for an email', async () => {
      const ada = browser();
      await ada.verify(ada.token('ada-1', { name: 'Ada Lovelace', email: 'ada@example.com' }));
      const first = await ada.sendAndAwaitReply('hi');
      const greeting = first.messages.at(-1);
      assert.equal(greeting?.author, 'bot');
      assert.match(greeting?.text ?? '', /Ada Lovelace/);
      const second = await ada.sendAndAwaitReply('I want to talk to a human');
      for (const message of second.messages) {
        assert.equal(message.identitySource, 'verified');
        if (message.author === 'bot') assert.doesNotMatch(message.text, /e-?mail/i);
      }
    });

    it('the bot answers from its knowledge entries', async () => {
      const visitor = browser();
      await visitor.startAnonymous();
      const history = await visitor.sendAndAwaitReply('How long does shipping take?');
      assert.match(history.messages.at(-1)?.text ?? '', /2 business days/);
    });

    it('the same sub on a second browser sees its history; a self-reported email equal to theirs sees none of it', async () => {
      const laptop = browser();
      await laptop.verify(laptop.token('grace-7', { name: 'Grace', email: 'grace@example.com' }));
      await laptop.sendAndAwaitReply('my order 1234 is late');

      const phone = browser();
      await phone.verify(phone.token('grace-7', { name: 'Grace', email: 'grace@example.com' }));
      const onPhone = (await phone.history()).json();
      assert.equal(onPhone.identity, 'verified');
      assert.ok(onPhone.messages.some((m: { text: string }) => m.text === 'my order 1234 is late'));

      const impostor = browser();
      const started = await impostor.startAnonymous({ name: 'Grace', email: 'grace@example.com' });
      assert.equal(started.identity, 'self-reported');
      const seen = await impostor.history();
      assert.equal(seen.headers['x-hilal-identity-source'], 'self-reported');
      assert.deepEqual(seen.json().messages, []);
      const sent = await impostor.send('what about my order?');
      assert.equal(sent.json().message.identitySource, 'self-reported');
      assert.notEqual(sent.json().message.conversationId, onPhone.conversationId);
    });

    it('after a handoff, the bot only acknowledges the follow-up email it asked an anonymous visitor for', async () => {
      const visitor = browser();
      await visitor.startAnonymous();
      const asked = await visitor.sendAndAwaitReply('I want to talk to a human');
      assert.match(asked.messages.at(-1)?.text ?? '', /e-?mail/i, 'the bot asks for an email');
      const thanked = await visitor.sendAndAwaitReply('sure: sam@example.com');
      assert.equal(thanked.messages.at(-1)?.author, 'bot');
      assert.match(thanked.messages.at(-1)?.text ?? '', /sam@example\.com/);
      const contact = await t.services.db
        .selectFrom('contacts')
        .select('email')
        .where('email', '=', 'sam@example.com')
        .executeTakeFirst();
      assert.ok(contact, 'the follow-up email is kept on the contact');
      const quiet = await visitor.sendAndAwaitReply('are you there?');
      assert.equal(quiet.messages.at(-1)?.text, 'are you there?', 'otherwise the bot stays quiet');
    });

    it('a message retried with the same client id is stored once', async () => {
      const visitor = browser();
      await visitor.startAnonymous();
      const first = await visitor.send('only once please', 'retry-1');
      const again = await visitor.send('only once please', 'retry-1');
      assert.equal(first.json().duplicate, false);
      assert.equal(again.json().duplicate, true);
      assert.equal(again.json().message.id, first.json().message.id);
      await t.app.replies.drain();
      const texts = (await visitor.history())
        .json()
        .messages.filter((m: { text: string }) => m.text === 'only once please');
      assert.equal(texts.length, 1);
    });

    it('an anonymous conversation carries over when the visitor signs in in the same browser', async () => {
      const visitor = browser();
      await visitor.startAnonymous();
      await visitor.sendAndAwaitReply('question before signing in');
      const res = await visitor.verify(visitor.token('linus-3', { name: 'Linus' }));
      assert.equal(res.statusCode, 200);
      const history = (await visitor.history()).json();
      assert.equal(history.identity, 'verified');
      assert.ok(
        history.messages.some((m: { text: string }) => m.text === 'question before signing in'),
      );
    });

    it('a different user signing in on the same browser does not inherit the previous user', async () => {
      const shared = browser();
      await shared.verify(shared.token('first-user'));
      await shared.sendAndAwaitReply('first user private question');
      await shared.verify(shared.token('second-user'));
      const history = (await shared.history()).json();
      assert.ok(
        !history.messages.some((m: { text: string }) => m.text === 'first user private question'),
      );
    });

    it('saving a new secret turns existing verified sessions anonymous', async () => {
      const own = await seedBot(t.services);
      const user = new WidgetClient(t.app, own);
      await user.verify(user.token('rotating-user', { name: 'Rosa' }));
      await user.sendAndAwaitReply('before rotation');
      assert.equal((await user.history()).headers['x-hilal-identity-source'], 'verified');

      await t.services.secrets.rotate(own.orgId, own.botId, 'test');
      const after = await user.history();
      assert.equal(after.headers['x-hilal-identity-source'], 'anonymous');
      assert.deepEqual(after.json().messages, [], 'the verified history is no longer shown');
      const sent = await user.send('after rotation');
      assert.equal(sent.json().message.identitySource, 'anonymous');
      // Stored in this browser's own conversation, not in the verified user's.
      await t.app.replies.drain();
      const texts = (await user.history()).json().messages.map((m: { text: string }) => m.text);
      assert.ok(texts.includes('after rotation'), texts.join(' | '));
      assert.ok(!texts.includes('before rotation'), texts.join(' | '));
    });

    it('an expired verified session carries on as anonymous', async () => {
      let clock = Date.now();
      const timed = await startTestApp(dialect, {}, { now: () => clock });
      try {
        const own = await seedBot(timed.services);
        const user = new WidgetClient(timed.app, own);
        const res = await user.verify(user.token('short-lived', { name: 'Sam' }, 60));
        assert.equal(res.statusCode, 200);
        assert.equal((await user.history()).headers['x-hilal-identity-source'], 'verified');
        clock = res.json().expiresAt * 1000;
        const after = await user.history();
        assert.equal(after.statusCode, 200);
        assert.equal(after.headers['x-hilal-identity-source'], 'anonymous');
        assert.equal(after.json().name, null);
      } finally {
        await timed.close();
      }
    });

    it('logout ends the session: its credential no longer works', async () => {
      const visitor = browser();
      await visitor.startAnonymous();
      const out = await t.app.inject({
        method: 'POST',
        url: '/api/chat/logout',
        headers: visitor.chatHeaders(),
      });
      assert.equal(out.statusCode, 204);
      const res = await visitor.history();
      assert.equal(res.statusCode, 401);
      assert.equal(res.json().error, 'unauthorized');
    });

    it('limits: no session 401, empty text 400, too long 413, oversized body 413', async () => {
      const visitor = browser();
      assert.equal((await visitor.history()).statusCode, 401);
      await visitor.startAnonymous();
      assert.equal((await visitor.send('   ')).json().error, 'invalid_request');
      const long = await visitor.send('x'.repeat(4001));
      assert.equal(long.statusCode, 413);
      assert.equal(long.json().error, 'message_too_long');
      const huge = await t.app.inject({
        method: 'POST',
        url: '/api/chat/messages',
        headers: visitor.chatHeaders(),
        payload: { clientMessageId: 'big', text: 'y'.repeat(20_000) },
      });
      assert.equal(huge.json().error, 'payload_too_large');
    });

    it('30 messages a minute: the 31st gets 429 with Retry-After to the end of the minute, and once it has passed a message goes through', async () => {
      let clock = Date.UTC(2030, 0, 1, 12);
      const timed = await startTestApp(dialect, {}, { now: () => clock });
      try {
        const visitor = new WidgetClient(timed.app, await seedBot(timed.services));
        await visitor.startAnonymous();
        const statuses: number[] = [];
        for (let i = 0; i < 31; i += 1) {
          statuses.push((await visitor.send(`message ${i}`)).statusCode);
        }
        assert.deepEqual(statuses, [...Array(30).fill(200), 429]);

        const limited = await visitor.send('one more');
        assert.equal(limited.statusCode, 429);
        assert.equal(limited.json().error, 'rate_limited');
        // All 30 were sent at the same instant: they leave the minute 60 s later.
        assert.equal(limited.headers['retry-after'], '60');
        clock += 15_000;
        const later = await visitor.send('still too soon');
        assert.equal(later.statusCode, 429);
        assert.equal(later.headers['retry-after'], '45');

        clock += 45_000;
        const again = await visitor.send('after the minute');
        assert.equal(again.statusCode, 200, again.body);
        assert.equal(again.json().message.text, 'after the minute');
        assert.equal(again.json().message.createdAt, clock);
        await timed.app.replies.drain();
      } finally {
        await timed.close();
      }
    });

    it('CORS: preflight answers any origin; a bot with allowed origins refuses others', async () => {
      const preflight = await t.app.inject({
        method: 'OPTIONS',
        url: '/api/chat/messages',
        headers: {
          origin: 'https://shop.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, x-hilal-identity-source',
        },
      });
      assert.equal(preflight.statusCode, 204);
      assert.equal(preflight.headers['access-control-allow-origin'], 'https://shop.example');
      assert.match(
        String(preflight.headers['access-control-allow-headers']),
        /X-Hilal-Identity-Source/,
      );

      await t.services.db
        .updateTable('chatbots')
        .set({ settings: JSON.stringify({ allowedOrigins: ['https://shop.example'] }) })
        .where('id', '=', bot.botId)
        .execute();
      const config = (origin: string) =>
        t.app.inject({
          method: 'GET',
          url: `/api/widget/config?orgId=${bot.orgId}&botId=${bot.botId}`,
          headers: { origin },
        });
      const allowed = await config('https://shop.example');
      assert.equal(allowed.statusCode, 200);
      assert.match(
        String(allowed.headers['access-control-expose-headers']),
        /X-Hilal-Identity-Source/,
      );
      const refused = await config('https://evil.example');
      assert.equal(refused.statusCode, 403);
      assert.equal(refused.json().error, 'origin_not_allowed');
      await t.services.db
        .updateTable('chatbots')
        .set({ settings: '{}' })
        .where('id', '=', bot.botId)
        .execute();
    });
  });
}
