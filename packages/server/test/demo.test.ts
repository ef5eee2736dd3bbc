import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { buildApp } from '../src/app.js';
import { DEMO_FILE, DEMO_OWNER_EMAIL, seedDemo } from '../src/demo/seed-demo.js';
import { startTestApp } from './support/test-app.js';

describe('the demo: created once on an empty database, served at /demo', () => {
  it('seeds an organization, a bot with a secret and knowledge, and an owner whose password is printed once', async () => {
    const t = await startTestApp('sqlite');
    try {
      const printed: string[] = [];
      const ids = await seedDemo(t.services, (text) => printed.push(text));
      assert.ok(ids);
      const again = await seedDemo(t.services, (text) => printed.push(text));
      assert.deepEqual(again, ids);
      assert.equal(printed.length, 1, 'the password is printed once');
      const password = /password\s+(\S+)/.exec(printed[0] ?? '')?.[1] ?? '';
      assert.ok(password.length >= 12);

      const stored = fs.readFileSync(path.join(t.env.dataDir, DEMO_FILE), 'utf8');
      assert.deepEqual(JSON.parse(stored), ids, 'the demo file holds ids only');
      assert.equal((await t.services.secrets.status(ids.orgId, ids.botId)).state, 'own');

      const app = await buildApp(t.services, { demo: ids });
      try {
        const login = await app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { email: DEMO_OWNER_EMAIL, password },
        });
        assert.equal(login.statusCode, 200);
        assert.equal(login.json().user.role, 'owner');

        const page = await app.inject({ method: 'GET', url: '/demo' });
        assert.equal(page.statusCode, 200);
        assert.match(String(page.headers['content-type']), /text\/html/);
        assert.equal(page.headers['cache-control'], 'no-store');
        const token = /"userToken":"([^"]+)"/.exec(page.body)?.[1] ?? '';
        const verified = await app.inject({
          method: 'POST',
          url: '/api/widget/verify-jwt',
          payload: { orgId: ids.orgId, botId: ids.botId, token },
        });
        assert.equal(verified.statusCode, 200);
        assert.equal(verified.json().claims.name, 'Amina Hassan');

        const fresh = await app.inject({ method: 'POST', url: '/demo/token' });
        const refreshed = await app.inject({
          method: 'POST',
          url: '/api/widget/verify-jwt',
          payload: { orgId: ids.orgId, botId: ids.botId, token: fresh.body },
        });
        assert.equal(refreshed.statusCode, 200);

        const selfReported = await app.inject({ method: 'GET', url: '/demo?as=self-reported' });
        assert.match(selfReported.body, /"user":\{"name":"Sam Visitor"/);
        assert.doesNotMatch(selfReported.body, /userToken"/);
        const anonymous = await app.inject({ method: 'GET', url: '/demo?as=anonymous' });
        assert.doesNotMatch(anonymous.body, /userToken"|"user"/);
      } finally {
        await app.close();
      }
    } finally {
      await t.close();
    }
  });

  it('does nothing on a database that already has an organization', async () => {
    const t = await startTestApp('sqlite');
    try {
      await t.services.db
        .insertInto('organizations')
        .values({ id: 'org_existing', name: 'Existing', created_at: 1 })
        .execute();
      const printed: string[] = [];
      assert.equal(await seedDemo(t.services, (text) => printed.push(text)), undefined);
      assert.deepEqual(printed, []);
    } finally {
      await t.close();
    }
  });
});
