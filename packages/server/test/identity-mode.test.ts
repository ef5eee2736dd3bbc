import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ERROR_CODES } from '../src/errors.js';
import { type AdminClient, signedInAdmin } from './support/admin-client.js';
import { DIALECTS } from './support/databases.js';
import { type SeededBot, seedBot, startTestApp, type TestApp } from './support/test-app.js';
import { WidgetClient } from './support/widget-client.js';

// docs/contract.md §5: a bot whose identity mode is `required` chats with verified users only.
for (const dialect of DIALECTS) {
  describe(`identity mode "required" on the chat API (${dialect})`, () => {
    let t: TestApp;
    let bot: SeededBot;
    let owner: AdminClient;
    const setMode = async (identityMode: string) => {
      const res = await owner.call('PATCH', `/api/admin/bots/${bot.botId}`, { identityMode });
      assert.equal(res.statusCode, 200, res.body);
    };

    before(async () => {
      t = await startTestApp(dialect);
      bot = await seedBot(t.services);
      owner = await signedInAdmin(t.app, t.services, 'owner@acme.test', 'owner', bot.orgId);
    });
    after(() => t.close());

    it('refuses anonymous and self-reported visitors with 403 identity_required; a verified one posts', async () => {
      await setMode('required');
      const anonymous = new WidgetClient(t.app, bot);
      await anonymous.startAnonymous();
      const selfReported = new WidgetClient(t.app, bot);
      await selfReported.startAnonymous({ name: 'Sam', email: 'sam@example.test' });
      for (const visitor of [anonymous, selfReported]) {
        for (const res of [await visitor.send('hello'), await visitor.history()]) {
          assert.equal(res.statusCode, 403, res.body);
          assert.deepEqual(res.json(), {
            error: 'identity_required',
            message: ERROR_CODES.identity_required.message,
          });
        }
      }

      const verified = new WidgetClient(t.app, bot);
      assert.equal(
        (await verified.verify(verified.token('user-1', { name: 'Vera' }))).statusCode,
        200,
      );
      const sent = await verified.send('hello');
      assert.equal(sent.statusCode, 200, sent.body);
      assert.equal(sent.headers['x-hilal-identity-source'], 'verified');
      assert.equal((await verified.history()).statusCode, 200);
    });

    it('a visitor whose token failed is anonymous, and refused', async () => {
      await setMode('required');
      const visitor = new WidgetClient(t.app, bot);
      await visitor.startAnonymous();
      const failed = await visitor.verify(`${visitor.token('user-2')}x`);
      assert.equal(failed.statusCode, 401);
      assert.equal((await visitor.send('hello')).statusCode, 403);
    });

    it('still lets anyone log out', async () => {
      await setMode('required');
      const visitor = new WidgetClient(t.app, bot);
      await visitor.startAnonymous();
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/chat/logout',
        headers: visitor.chatHeaders(),
      });
      assert.equal(res.statusCode, 204, res.body);
    });

    it('tells the widget the mode in GET /api/widget/config; optional lets everyone chat again', async () => {
      await setMode('required');
      const configUrl = `/api/widget/config?orgId=${bot.orgId}&botId=${bot.botId}`;
      const required = await t.app.inject({ method: 'GET', url: configUrl });
      assert.equal(required.json().identityMode, 'required');
      assert.equal(typeof required.json().welcome, 'string');

      await setMode('optional');
      const optional = await t.app.inject({ method: 'GET', url: configUrl });
      assert.equal(optional.json().identityMode, 'optional');
      const anonymous = new WidgetClient(t.app, bot);
      await anonymous.startAnonymous();
      const sent = await anonymous.send('hello');
      assert.equal(sent.statusCode, 200, sent.body);
    });
  });
}
