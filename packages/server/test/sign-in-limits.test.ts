import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createSignInService } from '../src/accounts/sign-in-service.js';
import { buildApp } from '../src/app.js';
import { HilalError } from '../src/errors.js';
import { type AppServices, openServices } from '../src/services.js';
import { createRedisStore } from '../src/store/redis-store.js';
import { createTestEnvironment, DIALECTS } from './support/databases.js';
import { PASSWORD, seedUser, signIn } from './support/sign-in.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const REDIS_URL = process.env.HILAL_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const FIFTEEN_MINUTES_MS = 15 * 60_000;

// docs/contract.md §10: past 10 failures in 15 minutes, per email and per client IP, every attempt is refused.
async function failTenTimes(
  app: FastifyInstance,
  email: (i: number) => string,
  ip: (i: number) => string,
) {
  for (let i = 0; i < 10; i += 1) {
    const res = await signIn(app, email(i), 'wrong password', { ip: ip(i) });
    assert.equal(res.statusCode, 401, `failure ${i + 1}: ${res.body}`);
    assert.equal(res.json().error, 'invalid_credentials');
  }
}

function assertRefused(res: Awaited<ReturnType<typeof signIn>>, retryAfterS: number) {
  assert.equal(res.statusCode, 429, res.body);
  assert.deepEqual(res.json(), {
    error: 'rate_limited',
    message: 'Too many requests. Retry later.',
  });
  assert.equal(res.headers['retry-after'], String(retryAfterS));
  assert.equal(res.headers['set-cookie'], undefined);
}

for (const dialect of DIALECTS) {
  describe(`sign-in brute force: the limit holds for the right password too (${dialect})`, () => {
    let t: TestApp;
    let clock = Date.UTC(2030, 0, 1);

    before(async () => {
      t = await startTestApp(dialect, {}, { now: () => clock });
    });
    after(() => t.close());

    it('refuses the right password with 429 once the email is past 10 failures', async () => {
      const { email } = await seedUser(t.services, 'brute@acme.test');
      // The email is normalized (trimmed, lowercased); each failure comes from another IP.
      await failTenTimes(
        t.app,
        (i) => (i % 2 === 0 ? ' Brute@ACME.test ' : email),
        (i) => `10.1.0.${i + 1}`,
      );
      assertRefused(await signIn(t.app, email, PASSWORD, { ip: '10.1.1.1' }), 900);
      assertRefused(await signIn(t.app, 'BRUTE@acme.test', 'wrong', { ip: '10.1.1.2' }), 900);
    });

    it('refuses every email from a client IP past 10 failures, the right password included', async () => {
      const { email } = await seedUser(t.services, 'shared-ip@acme.test');
      await failTenTimes(
        t.app,
        (i) => `nobody-${i}@acme.test`,
        () => '10.2.0.1',
      );
      assertRefused(await signIn(t.app, email, PASSWORD, { ip: '10.2.0.1' }), 900);
      const elsewhere = await signIn(t.app, email, PASSWORD, { ip: '10.2.0.2' });
      assert.equal(elsewhere.statusCode, 200, elsewhere.body);
    });

    it('lets the right password in again once the 15 minutes have passed', async () => {
      const { email } = await seedUser(t.services, 'patient@acme.test');
      await failTenTimes(
        t.app,
        () => email,
        (i) => `10.3.0.${i + 1}`,
      );
      clock += FIFTEEN_MINUTES_MS - 1000;
      assertRefused(await signIn(t.app, email, PASSWORD, { ip: '10.3.1.1' }), 1);
      clock += 1000;
      const res = await signIn(t.app, email, PASSWORD, { ip: '10.3.1.1' });
      assert.equal(res.statusCode, 200, res.body);
      assert.match(String(res.headers['set-cookie']), /^hilal_admin=has_/);
    });

    it('does not let concurrent guesses slip past the limit', async () => {
      const { email } = await seedUser(t.services, 'burst@acme.test');
      // All of them at once, each from its own IP: a check that only peeks at the count would
      // let every one of them through to the hash before the first failure is counted.
      const responses = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          signIn(t.app, email, `wrong ${i}`, { ip: `10.6.0.${i + 1}` }),
        ),
      );
      const statuses = responses.map((res) => res.statusCode);
      const guesses = statuses.filter((status) => status === 401).length;
      assert.ok(guesses >= 1 && guesses <= 10, `${guesses} guesses were checked`);
      assert.equal(statuses.filter((status) => status === 429).length, 30 - guesses);
    });

    it('computes no password hash while refused', async () => {
      const { email } = await seedUser(t.services, 'no-hash@acme.test');
      let hashes = 0;
      const service = createSignInService({
        db: t.services.db,
        store: t.services.store,
        now: () => clock,
        verifyPassword: async () => {
          hashes += 1;
          return false;
        },
      });
      for (let i = 0; i < 10; i += 1) {
        await assert.rejects(service.signIn(email, 'wrong', `10.4.0.${i}`), {
          code: 'invalid_credentials',
        });
      }
      assert.equal(hashes, 10);
      for (const [who, ip] of [
        [email, '10.4.1.1'],
        [` ${email.toUpperCase()}`, '10.4.1.2'],
      ] as const) {
        const refused = await service.signIn(who, PASSWORD, ip).catch((error: unknown) => error);
        assert.ok(refused instanceof HilalError);
        assert.equal(refused.code, 'rate_limited');
        assert.deepEqual(refused.headers, { 'Retry-After': '900' });
      }
      assert.equal(hashes, 10, 'no hash was computed for a refused attempt');
      // The app's own service shares the store: it refuses this email without hashing, too.
      assertRefused(await signIn(t.app, email, PASSWORD, { ip: '10.4.1.3' }), 900);
    });
  });

  describe(`sign-in brute force across two instances on one Redis (${dialect})`, () => {
    let clock = Date.UTC(2030, 0, 1);
    const instances: Array<{ app: FastifyInstance; services: AppServices }> = [];
    let cleanup = async () => {};

    before(async () => {
      const env = await createTestEnvironment(dialect);
      const prefix = `hilal-test:${randomBytes(6).toString('hex')}:`;
      const config = env.config({ HILAL_MASTER_KEY: 'ab'.repeat(32) });
      for (let i = 0; i < 2; i += 1) {
        const services = await openServices(config, {
          flushIntervalMs: 0,
          now: () => clock,
          store: await createRedisStore(REDIS_URL, prefix),
        });
        instances.push({ app: await buildApp(services), services });
      }
      cleanup = async () => {
        for (const { app, services } of instances) {
          await app.close();
          await services.close();
        }
        await env.cleanup();
      };
    });
    after(() => cleanup());

    it('failures on instance A lock the email and the IP on instance B', async () => {
      const [a, b] = instances;
      assert.ok(a && b);
      const { email } = await seedUser(a.services, 'two-instances@acme.test');
      await failTenTimes(
        a.app,
        () => email,
        (i) => `10.5.0.${i + 1}`,
      );
      assertRefused(await signIn(b.app, email, PASSWORD, { ip: '10.5.1.1' }), 900);

      const other = await seedUser(a.services, 'other@acme.test');
      await failTenTimes(
        a.app,
        (i) => `nobody-${i}@acme.test`,
        () => '10.5.2.1',
      );
      assertRefused(await signIn(b.app, other.email, PASSWORD, { ip: '10.5.2.1' }), 900);

      clock += FIFTEEN_MINUTES_MS;
      const res = await signIn(b.app, email, PASSWORD, { ip: '10.5.1.1' });
      assert.equal(res.statusCode, 200, res.body);
    });
  });
}
