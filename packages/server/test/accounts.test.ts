import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DIALECTS } from './support/databases.js';
import { PASSWORD, seedUser, signIn } from './support/sign-in.js';
import { startTestApp, type TestApp } from './support/test-app.js';

for (const dialect of DIALECTS) {
  describe(`accounts: sign in, who am I, sign out (${dialect})`, () => {
    let t: TestApp;

    before(async () => {
      t = await startTestApp(dialect);
    });
    after(() => t.close());

    it('signs in, answers /me with the user alone, and signs out', async () => {
      const { orgId, email } = await seedUser(t.services, 'me@acme.test', 'agent');
      const login = await signIn(t.app, email, PASSWORD);
      assert.equal(login.statusCode, 200, login.body);
      const setCookie = String(login.headers['set-cookie']);
      assert.match(
        setCookie,
        /^hilal_admin=has_[\w-]+; Path=\/api; HttpOnly; SameSite=Strict; Max-Age=43200$/,
      );
      const cookie = setCookie.split(';')[0] ?? '';
      const user = { id: login.json().user.id, email, role: 'agent', organizationId: orgId };
      assert.deepEqual(login.json(), { user });

      const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });
      assert.equal(me.statusCode, 200, me.body);
      assert.deepEqual(me.json(), { user });

      const foreign = await t.app.inject({
        method: 'POST',
        url: '/api/auth/logout',
        headers: { cookie, origin: 'https://attacker.example' },
      });
      assert.equal(foreign.statusCode, 403);
      assert.equal(foreign.json().error, 'foreign_origin');

      const logout = await t.app.inject({
        method: 'POST',
        url: '/api/auth/logout',
        headers: { cookie },
      });
      assert.equal(logout.statusCode, 204);
      assert.equal(logout.body, '');
      assert.match(String(logout.headers['set-cookie']), /^hilal_admin=; .*Max-Age=0/);
      const after = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });
      assert.equal(after.statusCode, 401);
      assert.equal(after.json().error, 'unauthorized');
    });

    it('answers a wrong password and an unknown email alike', async () => {
      const { email } = await seedUser(t.services, 'alike@acme.test');
      for (const res of [
        await signIn(t.app, email, 'wrong password', { ip: '10.9.0.1' }),
        await signIn(t.app, 'nobody@acme.test', PASSWORD, { ip: '10.9.0.2' }),
      ]) {
        assert.equal(res.statusCode, 401);
        assert.deepEqual(res.json(), {
          error: 'invalid_credentials',
          message: 'Wrong email or password.',
        });
      }
    });

    it('refuses a body past 4 KiB with 413', async () => {
      const res = await signIn(t.app, 'big@acme.test', 'x'.repeat(5000));
      assert.equal(res.statusCode, 413);
      assert.equal(res.json().error, 'payload_too_large');
    });

    it('refuses malformed JSON with 400 invalid_json, without quoting it', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'content-type': 'application/json' },
        payload: '{"email": "secret-typed-here',
      });
      assert.equal(res.statusCode, 400);
      assert.deepEqual(res.json(), {
        error: 'invalid_json',
        message: 'The request body is not valid JSON.',
      });
    });
  });
}
