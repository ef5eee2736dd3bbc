import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hashPassword } from '../src/accounts/password-hash.js';
import { createUser } from '../src/accounts/users-repository.js';
import { signHs256 } from '../src/identity/sign-hs256.js';
import { DIALECTS } from './support/databases.js';
import { type SeededBot, seedBot, startTestApp, type TestApp } from './support/test-app.js';
import { WidgetClient } from './support/widget-client.js';

// Regression (attack review, weakness 5): U+0000 gave 500 on PostgreSQL (a message, a verified
// sub or name carried over, a sign-in email, %00 in an admin path parameter); SQLite took them.
// docs/contract.md §10: 400 everywhere (a claim holding it is `malformed`), and nothing stored is harmed.

for (const dialect of DIALECTS) {
  describe(`U+0000 is refused with 400, never a 500 (${dialect})`, () => {
    let t: TestApp;
    let bot: SeededBot;

    before(async () => {
      t = await startTestApp(dialect);
      bot = await seedBot(t.services);
    });
    after(() => t.close());

    const refused = (res: { statusCode: number; json(): unknown }) => {
      assert.equal(res.statusCode, 400);
      assert.deepEqual(res.json(), {
        error: 'invalid_character',
        message: 'Text may not contain the NUL character (U+0000).',
      });
    };

    it('in a chat message, and the conversation keeps what it had', async () => {
      const visitor = new WidgetClient(t.app, bot);
      await visitor.startAnonymous();
      assert.equal((await visitor.send('before')).statusCode, 200);
      refused(await visitor.send('a\u0000b'));
      refused(await visitor.send('fine', 'id\u0000x'));
      await t.app.replies.drain();
      const history = (await visitor.history()).json();
      assert.deepEqual(
        history.messages
          .filter((m: { author: string }) => m.author === 'visitor')
          .map((m: { text: string }) => m.text),
        ['before'],
      );
    });

    it('in a verified sub, name or email, also when a conversation is carried over', async () => {
      const exp = Math.floor(Date.now() / 1000) + 600;
      for (const claims of [
        { sub: 'a\u0000b' },
        { sub: 'ok', name: 'Ann\u0000' },
        { sub: 'ok', email: 'x\u0000@example.com' },
      ]) {
        const visitor = new WidgetClient(t.app, bot);
        await visitor.startAnonymous();
        assert.equal((await visitor.send('anonymous first')).statusCode, 200);
        const res = await visitor.verify(signHs256(bot.secret ?? '', { ...claims, exp }));
        assert.equal(res.statusCode, 401);
        assert.equal(res.json().reason, 'malformed');
        assert.equal((await visitor.history()).json().messages[0].text, 'anonymous first');
      }
      await t.app.replies.drain();
    });

    it('in a self-reported name and in any request body field', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/widget/session',
        payload: { orgId: bot.orgId, botId: bot.botId, user: { name: 'Eve\u0000' } },
      });
      refused(res);
      refused(
        await t.app.inject({
          method: 'POST',
          url: '/api/widget/verify-jwt',
          payload: { orgId: bot.orgId, botId: bot.botId, token: 'a.b\u0000.c' },
        }),
      );
    });

    it('in a sign-in email or password', async () => {
      await createUser(
        t.services.db,
        {
          organizationId: bot.orgId,
          email: 'nul@example.com',
          passwordHash: await hashPassword('correct horse'),
          role: 'owner',
        },
        Date.now(),
      );
      for (const payload of [
        { email: 'nul@example.com\u0000', password: 'correct horse' },
        { email: 'nul@example.com', password: 'correct\u0000horse' },
      ]) {
        refused(await t.app.inject({ method: 'POST', url: '/api/auth/login', payload }));
      }
    });

    it('in a path or query parameter', async () => {
      refused(await t.app.inject({ method: 'GET', url: '/api/admin/conversations/cnv_%00' }));
      refused(await t.app.inject({ method: 'GET', url: '/api/admin/bots/bot_%00x/secret' }));
      refused(
        await t.app.inject({
          method: 'GET',
          url: `/api/widget/config?orgId=${bot.orgId}%00&botId=${bot.botId}`,
        }),
      );
      refused(await t.app.inject({ method: 'GET', url: '/%00' }));
    });
  });
}
