import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { type AdminAuthDeps, adminAuth } from '../src/accounts/admin-auth.js';
import { ADMIN_SESSION_LIFETIME_MS, issueAdminSession } from '../src/accounts/admin-sessions.js';
import { findUserByEmail } from '../src/accounts/users-repository.js';
import type { Role } from '../src/db/schema.js';
import { installErrorHandler } from '../src/http/error-handler.js';
import { DIALECTS } from './support/databases.js';
import { seedUser } from './support/sign-in.js';
import { startTestApp, type TestApp } from './support/test-app.js';

// A feature plugin as the others are written: the scope's routes behind adminAuth.
const managersPlugin: FastifyPluginAsync<AdminAuthDeps> = async (app, deps) => {
  app.decorateRequest('admin', null as never);
  app.addHook('preHandler', adminAuth(deps, ['owner', 'admin']));
  app.get('/api/admin/whoami', async (request) => ({ role: request.admin.role }));
  app.post('/api/admin/change', async (request) => ({ role: request.admin.role }));
};

// One route guarded on its own, in a scope that declared no decorator.
const agentsPlugin: FastifyPluginAsync<AdminAuthDeps> = async (app, deps) => {
  app.post('/api/inbox/claim', { preHandler: adminAuth(deps, ['agent']) }, async (request) => ({
    role: request.admin.role,
  }));
};

async function buildGuardedApp(deps: AdminAuthDeps): Promise<FastifyInstance> {
  const app = Fastify();
  installErrorHandler(app);
  await app.register(managersPlugin, deps);
  await app.register(agentsPlugin, deps);
  await app.ready();
  return app;
}

const FOREIGN = 'https://attacker.example';

for (const dialect of DIALECTS) {
  describe(`adminAuth: the admin preHandler (${dialect})`, () => {
    let t: TestApp;
    const clock = Date.UTC(2030, 0, 1);
    let app: FastifyInstance;
    let behindProxy: FastifyInstance;
    const cookies: Partial<Record<Role | 'expired', string>> = {};

    before(async () => {
      t = await startTestApp(dialect, {}, { now: () => clock });
      const deps = { db: t.services.db, now: () => clock };
      app = await buildGuardedApp(deps);
      behindProxy = await buildGuardedApp({
        ...deps,
        config: { publicUrl: 'https://chat.acme.test' },
      });
      const { orgId } = await seedUser(t.services, 'owner@acme.test', 'owner');
      for (const role of ['admin', 'agent'] as const) {
        await seedUser(t.services, `${role}@acme.test`, role, orgId);
      }
      for (const role of ['owner', 'admin', 'agent'] as const) {
        const user = await findUserByEmail(t.services.db, `${role}@acme.test`);
        assert.ok(user);
        const session = { id: user.id, organizationId: user.organization_id };
        cookies[role] = `hilal_admin=${await issueAdminSession(t.services.db, session, clock)}`;
        if (role === 'owner') {
          const old = await issueAdminSession(
            t.services.db,
            session,
            clock - ADMIN_SESSION_LIFETIME_MS,
          );
          cookies.expired = `hilal_admin=${old}`;
        }
      }
    });
    after(async () => {
      await app.close();
      await behindProxy.close();
      await t.close();
    });

    type Row = [
      name: string,
      method: 'GET' | 'POST',
      url: string,
      who: Role | 'expired' | 'forged' | null,
      headers: Record<string, string>,
      status: number,
      body: object,
    ];
    const csrf = { 'x-hilal-csrf': '1' };
    const rows: Row[] = [
      ['no cookie', 'GET', '/api/admin/whoami', null, {}, 401, { error: 'unauthorized' }],
      ['a forged cookie', 'GET', '/api/admin/whoami', 'forged', {}, 401, { error: 'unauthorized' }],
      [
        'an expired session',
        'GET',
        '/api/admin/whoami',
        'expired',
        {},
        401,
        { error: 'unauthorized' },
      ],
      ['a signed-in owner', 'GET', '/api/admin/whoami', 'owner', {}, 200, { role: 'owner' }],
      [
        'a GET from a foreign Origin',
        'GET',
        '/api/admin/whoami',
        'owner',
        { origin: FOREIGN },
        200,
        { role: 'owner' },
      ],
      ['a role not allowed', 'GET', '/api/admin/whoami', 'agent', {}, 403, { error: 'forbidden' }],
      [
        'a POST without X-Hilal-CSRF',
        'POST',
        '/api/admin/change',
        'admin',
        {},
        403,
        { error: 'forbidden' },
      ],
      [
        'a POST with X-Hilal-CSRF',
        'POST',
        '/api/admin/change',
        'admin',
        csrf,
        200,
        { role: 'admin' },
      ],
      [
        'a POST from a foreign Origin',
        'POST',
        '/api/admin/change',
        'admin',
        { ...csrf, origin: FOREIGN },
        403,
        { error: 'foreign_origin', message: 'Requests from another site are refused.' },
      ],
      [
        'a POST from a foreign Origin, signed out',
        'POST',
        '/api/admin/change',
        null,
        { ...csrf, origin: FOREIGN },
        403,
        { error: 'foreign_origin' },
      ],
      [
        'a POST from its own origin',
        'POST',
        '/api/admin/change',
        'admin',
        { ...csrf, origin: 'http://localhost' },
        200,
        { role: 'admin' },
      ],
      [
        'a route-level preHandler',
        'POST',
        '/api/inbox/claim',
        'agent',
        csrf,
        200,
        { role: 'agent' },
      ],
      [
        'a route-level preHandler, wrong role',
        'POST',
        '/api/inbox/claim',
        'owner',
        csrf,
        403,
        { error: 'forbidden' },
      ],
    ];
    for (const [name, method, url, who, headers, status, body] of rows) {
      it(`answers ${status} to ${name}`, async () => {
        const credential = who === 'forged' ? 'hilal_admin=has_forged' : who && cookies[who];
        const cookie = credential ? { cookie: credential } : {};
        const res = await app.inject({ method, url, headers: { ...cookie, ...headers } });
        assert.equal(res.statusCode, status, res.body);
        const json = res.json();
        for (const [key, value] of Object.entries(body)) assert.equal(json[key], value, key);
      });
    }

    it('takes HILAL_PUBLIC_URL as its own origin when it is set', async () => {
      const headers = { cookie: cookies.admin ?? '', ...csrf };
      const proxied = (origin: string) =>
        behindProxy.inject({
          method: 'POST',
          url: '/api/admin/change',
          headers: { ...headers, origin },
        });
      assert.equal((await proxied('https://chat.acme.test')).statusCode, 200);
      const host = await proxied('http://localhost');
      assert.equal(host.statusCode, 403);
      assert.equal(host.json().error, 'foreign_origin');
    });

    it('refuses to guard a route for nobody', () => {
      assert.throws(() => adminAuth({ db: t.services.db, now: () => clock }, []), TypeError);
    });
  });
}
