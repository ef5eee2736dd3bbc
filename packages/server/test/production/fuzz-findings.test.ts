// What the fuzz suite found, kept as plain regression tests that run every time.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type SeededBot, seedBot, startTestApp, type TestApp } from '../support/test-app.js';

describe('fuzz findings, as regression tests (SQLite)', () => {
  let t: TestApp;
  let bot: SeededBot;
  before(async () => {
    t = await startTestApp('sqlite', { LOG_LEVEL: 'silent' });
    bot = await seedBot(t.services);
  });
  after(() => t?.close());

  it('a JSON body nested 5,000 levels deep gets 400, not 500 (the U+0000 check recursed past the call stack)', async () => {
    const nested = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    for (const url of ['/api/widget/verify-jwt', '/api/widget/session']) {
      const res = await t.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json' },
        payload: nested,
      });
      assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
      assert.equal(res.json().error, 'invalid_request');
    }
  });

  it('a session credential with characters appended is refused (base64url decoding skipped them)', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/widget/session',
      payload: { orgId: bot.orgId, botId: bot.botId },
    });
    const { session } = created.json() as { session: string };
    const history = (credential: string) =>
      t.app.inject({
        method: 'GET',
        url: '/api/chat/history',
        headers: { authorization: `Bearer ${credential}` },
      });
    assert.equal((await history(session)).statusCode, 200);
    for (const suffix of [':', '!', '=', '.', '*~']) {
      const res = await history(`${session}${suffix}`);
      assert.equal(res.statusCode, 401, `appended ${JSON.stringify(suffix)}`);
      assert.equal(res.json().error, 'unauthorized');
    }
  });
});
