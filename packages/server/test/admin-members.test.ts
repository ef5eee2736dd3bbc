import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ERROR_CODES } from '../src/errors.js';
import { type AdminClient, adminClient, signedInAdmin } from './support/admin-client.js';
import { DIALECTS } from './support/databases.js';
import { PASSWORD, signIn } from './support/sign-in.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const MEMBERS = '/api/admin/members';

for (const dialect of DIALECTS) {
  describe(`admin API: members and passwords (${dialect})`, () => {
    let t: TestApp;
    let owner: AdminClient;
    let n = 0;
    /** A fresh email, so that each test has its own accounts. */
    const email = (name: string) => `${name}-${++n}@acme.test`;
    const member = (role: 'owner' | 'admin' | 'agent', orgId = owner.orgId) =>
      signedInAdmin(t.app, t.services, email(role), role, orgId);

    before(async () => {
      t = await startTestApp(dialect);
      owner = await signedInAdmin(t.app, t.services, 'owner@acme.test', 'owner');
    });
    after(() => t.close());

    it('adds a member with a first password shown once, which signs them in', async () => {
      const res = await owner.call('POST', MEMBERS, {
        email: '  New.Agent@Acme.TEST ',
        role: 'agent',
      });
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(res.headers['cache-control'], 'no-store');
      const { member: added, firstPassword } = res.json();
      assert.deepEqual(Object.keys(res.json()).sort(), ['firstPassword', 'member']);
      assert.equal(added.email, 'new.agent@acme.test');
      assert.equal(added.role, 'agent');
      assert.ok(typeof firstPassword === 'string' && firstPassword.length >= 16);

      const login = await signIn(t.app, 'new.agent@acme.test', firstPassword);
      assert.equal(login.statusCode, 200, login.body);
      assert.equal(login.json().user.id, added.id);

      // Nowhere else: the list holds no password and no hash.
      const list = await owner.call('GET', MEMBERS);
      assert.equal(list.statusCode, 200);
      assert.ok(!list.body.includes(firstPassword));
      assert.ok(!list.body.includes('scrypt'));
      const listed = list.json().members.find((m: { id: string }) => m.id === added.id);
      assert.deepEqual(listed, added);
    });

    it('refuses an email that is taken (case and spaces aside) and one that is not an email', async () => {
      const taken = await owner.call('POST', MEMBERS, { email: ' OWNER@acme.test', role: 'admin' });
      assert.equal(taken.statusCode, 409);
      assert.deepEqual(taken.json(), {
        error: 'email_taken',
        message: ERROR_CODES.email_taken.message,
      });
      const bad = await owner.call('POST', MEMBERS, { email: 'not an email', role: 'admin' });
      assert.equal(bad.statusCode, 400);
      assert.deepEqual(bad.json(), {
        error: 'invalid_email',
        message: ERROR_CODES.invalid_email.message,
      });
      const role = await owner.call('POST', MEMBERS, { email: email('x'), role: 'superuser' });
      assert.equal(role.statusCode, 400);
      assert.equal(role.json().error, 'invalid_request');
    });

    it('changes a role, and lists only its own organization', async () => {
      const agent = await member('agent');
      const other = await signedInAdmin(t.app, t.services, email('other-owner'), 'owner');
      const listOther = await other.call('GET', MEMBERS);
      assert.deepEqual(
        listOther.json().members.map((m: { email: string }) => m.email),
        [other.email],
      );
      const mine = (await owner.call('GET', MEMBERS)).json().members;
      const agentRow = mine.find((m: { email: string }) => m.email === agent.email);
      const res = await owner.call('PATCH', `${MEMBERS}/${agentRow.id}`, { role: 'admin' });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), { ...agentRow, role: 'admin' });
      const me = await agent.call('GET', '/api/auth/me');
      assert.equal(me.json().user.role, 'admin');
    });

    it("refuses another organization's member with 404, changing nothing", async () => {
      const other = await signedInAdmin(t.app, t.services, email('foreign-owner'), 'owner');
      const foreignAgent = await member('agent', other.orgId);
      const foreignId = (await other.call('GET', MEMBERS))
        .json()
        .members.find((m: { email: string }) => m.email === foreignAgent.email).id;
      for (const [method, payload] of [
        ['PATCH', { role: 'owner' }],
        ['DELETE', undefined],
      ] as const) {
        const res = await owner.call(method, `${MEMBERS}/${foreignId}`, payload);
        assert.equal(res.statusCode, 404, `${method} ${res.body}`);
        assert.equal(res.json().error, 'member_not_found');
      }
      assert.equal((await foreignAgent.call('GET', '/api/auth/me')).json().user.role, 'agent');
      const junk = await owner.call('DELETE', `${MEMBERS}/usr_nope`);
      assert.equal(junk.statusCode, 404);
    });

    it('is for owners only: admins and agents get 403 on every members route', async () => {
      const target = (await owner.call('GET', MEMBERS)).json().members[0].id;
      for (const role of ['admin', 'agent'] as const) {
        const caller = await member(role);
        for (const [method, url, payload] of [
          ['GET', MEMBERS, undefined],
          ['POST', MEMBERS, { email: email('nope'), role: 'owner' }],
          ['PATCH', `${MEMBERS}/${target}`, { role: 'agent' }],
          ['DELETE', `${MEMBERS}/${target}`, undefined],
        ] as const) {
          const res = await caller.call(method, url, payload);
          assert.equal(res.statusCode, 403, `${role} ${method} ${url}`);
          assert.deepEqual(res.json(), {
            error: 'forbidden',
            message: ERROR_CODES.forbidden.message,
          });
        }
      }
    });

    it('refuses changes without X-Hilal-CSRF, and from a foreign Origin', async () => {
      const agent = await member('agent');
      const id = (await owner.call('GET', MEMBERS))
        .json()
        .members.find((m: { email: string }) => m.email === agent.email).id;
      for (const [method, url, payload] of [
        ['POST', MEMBERS, { email: email('csrf'), role: 'owner' }],
        ['PATCH', `${MEMBERS}/${id}`, { role: 'owner' }],
        ['DELETE', `${MEMBERS}/${id}`, undefined],
        ['POST', '/api/auth/password', { currentPassword: PASSWORD, newPassword: 'x'.repeat(12) }],
      ] as const) {
        const res = await owner.call(method, url, payload, { csrf: false });
        assert.equal(res.statusCode, 403, `${method} ${url}`);
        assert.equal(res.json().error, 'forbidden');
      }
      const foreign = await t.app.inject({
        method: 'DELETE',
        url: `${MEMBERS}/${id}`,
        headers: { cookie: owner.cookie, 'x-hilal-csrf': '1', origin: 'https://evil.example' },
      });
      assert.equal(foreign.statusCode, 403);
      assert.equal(foreign.json().error, 'foreign_origin');
      assert.equal((await agent.call('GET', '/api/auth/me')).json().user.role, 'agent');
    });

    it('never removes or demotes the last owner', async () => {
      const solo = await signedInAdmin(t.app, t.services, email('solo'), 'owner');
      const id = (await solo.call('GET', '/api/auth/me')).json().user.id;
      for (const [method, payload] of [
        ['PATCH', { role: 'admin' }],
        ['DELETE', undefined],
      ] as const) {
        const res = await solo.call(method, `${MEMBERS}/${id}`, payload);
        assert.equal(res.statusCode, 409, res.body);
        assert.deepEqual(res.json(), {
          error: 'last_owner',
          message: ERROR_CODES.last_owner.message,
        });
      }
      // Owner to owner is no demotion.
      assert.equal(
        (await solo.call('PATCH', `${MEMBERS}/${id}`, { role: 'owner' })).statusCode,
        200,
      );
    });

    it('lets exactly one of two concurrent demotions of the last two owners through', async () => {
      const first = await signedInAdmin(t.app, t.services, email('first'), 'owner');
      const second = await member('owner', first.orgId);
      const ids = (await first.call('GET', MEMBERS))
        .json()
        .members.map((m: { id: string }) => m.id);
      assert.equal(ids.length, 2);
      const results = await Promise.all([
        first.call('PATCH', `${MEMBERS}/${ids[0]}`, { role: 'agent' }),
        second.call('PATCH', `${MEMBERS}/${ids[1]}`, { role: 'agent' }),
      ]);
      assert.deepEqual(results.map((r) => r.statusCode).sort(), [200, 409]);
      assert.equal(results.find((r) => r.statusCode === 409)?.json().error, 'last_owner');
      const rows = await t.services.db
        .selectFrom('users')
        .select('role')
        .where('organization_id', '=', first.orgId)
        .execute();
      const roles = rows.map((row) => row.role);
      assert.deepEqual(roles.sort(), ['agent', 'owner']);
    });

    it('lets exactly one of two concurrent removals of the last two owners through', async () => {
      const first = await signedInAdmin(t.app, t.services, email('first'), 'owner');
      const second = await member('owner', first.orgId);
      const ids = (await first.call('GET', MEMBERS))
        .json()
        .members.map((m: { id: string }) => m.id);
      const results = await Promise.all([
        first.call('DELETE', `${MEMBERS}/${ids[1]}`),
        second.call('DELETE', `${MEMBERS}/${ids[0]}`),
      ]);
      assert.deepEqual(results.map((r) => r.statusCode).sort(), [204, 409]);
    });

    it('removing a member ends their sessions, and they cannot sign in again', async () => {
      const agent = await member('agent');
      const id = (await agent.call('GET', '/api/auth/me')).json().user.id;
      const res = await owner.call('DELETE', `${MEMBERS}/${id}`);
      assert.equal(res.statusCode, 204, res.body);
      const me = await agent.call('GET', '/api/auth/me');
      assert.equal(me.statusCode, 401);
      assert.equal(
        (await signIn(t.app, agent.email, PASSWORD, { ip: '10.1.0.1' })).statusCode,
        401,
      );
      const again = await owner.call('DELETE', `${MEMBERS}/${id}`);
      assert.equal(again.statusCode, 404);
    });

    it('changes its own password, any role: wrong current 401, bad length 400, other sessions end', async () => {
      const agent = await member('agent');
      const elsewhere = await signIn(t.app, agent.email, PASSWORD);
      const other = adminClient(
        t.app,
        agent.orgId,
        agent.email,
        String(elsewhere.headers['set-cookie']).split(';')[0] ?? '',
      );
      const url = '/api/auth/password';

      const wrong = await agent.call('POST', url, {
        currentPassword: 'not it',
        newPassword: 'a new password',
      });
      assert.equal(wrong.statusCode, 401);
      assert.deepEqual(wrong.json(), {
        error: 'invalid_credentials',
        message: ERROR_CODES.invalid_credentials.message,
      });
      for (const newPassword of ['short', 'x'.repeat(1025)]) {
        const res = await agent.call('POST', url, { currentPassword: PASSWORD, newPassword });
        assert.equal(res.statusCode, 400);
        assert.deepEqual(res.json(), {
          error: 'invalid_password',
          message: ERROR_CODES.invalid_password.message,
        });
      }

      const ok = await agent.call('POST', url, {
        currentPassword: PASSWORD,
        newPassword: '🔑'.repeat(8),
      });
      assert.equal(ok.statusCode, 204, ok.body);
      assert.equal((await agent.call('GET', '/api/auth/me')).statusCode, 200);
      assert.equal((await other.call('GET', '/api/auth/me')).statusCode, 401);
      assert.equal(
        (await signIn(t.app, agent.email, PASSWORD, { ip: '10.1.0.2' })).statusCode,
        401,
      );
      assert.equal((await signIn(t.app, agent.email, '🔑'.repeat(8))).statusCode, 200);
    });

    it('counts a wrong current password as a failed sign-in: past 10, even the right one is refused', async () => {
      const agent = await member('agent');
      const url = '/api/auth/password';
      const ip = '10.9.0.1';
      for (let i = 0; i < 10; i++) {
        const res = await agent.call(
          'POST',
          url,
          { currentPassword: `guess ${i}`, newPassword: 'a new password' },
          { ip },
        );
        assert.equal(res.statusCode, 401, `guess ${i}`);
      }
      const right = await agent.call(
        'POST',
        url,
        { currentPassword: PASSWORD, newPassword: 'a new password' },
        { ip },
      );
      assert.equal(right.statusCode, 429);
      assert.equal(right.json().error, 'rate_limited');
      assert.ok(Number(right.headers['retry-after']) > 0);
      // The account is locked for the sign-in form too, from anywhere; the password is unchanged.
      const signInElsewhere = await signIn(t.app, agent.email, PASSWORD, { ip: '10.9.0.2' });
      assert.equal(signInElsewhere.statusCode, 429);
      assert.equal((await agent.call('GET', '/api/auth/me')).statusCode, 200);
    });

    it('refuses U+0000 in a field with 400 invalid_character', async () => {
      const res = await owner.call('POST', MEMBERS, {
        email: 'nul\u0000@acme.test',
        role: 'agent',
      });
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().error, 'invalid_character');
    });

    it('takes JSON bodies only', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: MEMBERS,
        headers: { cookie: owner.cookie, 'x-hilal-csrf': '1', 'content-type': 'text/plain' },
        payload: JSON.stringify({ email: email('plain'), role: 'agent' }),
      });
      assert.equal(res.statusCode, 415);
    });
  });
}
