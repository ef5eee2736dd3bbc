import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createMemoryStore } from '../src/store/memory-store.js';
import { createRedisStore } from '../src/store/redis-store.js';
import type { Store } from '../src/store/store.js';
import { type SeededBot, seedBot, startTestApp, type TestApp } from './support/test-app.js';
import { signHs256 } from './support/tokens.js';

const REDIS_URL = process.env.HILAL_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const stores: Array<[string, () => Promise<Store>]> = [
  ['memory store', async () => createMemoryStore()],
  [
    'Redis store',
    () => createRedisStore(REDIS_URL, `hilal-test:${randomBytes(6).toString('hex')}:`),
  ],
];

for (const [storeName, makeStore] of stores) {
  describe(`verify-jwt failure limit per IP (${storeName})`, () => {
    let t: TestApp;
    let bot: SeededBot;
    let clock = Date.UTC(2030, 0, 1);

    before(async () => {
      t = await startTestApp(
        'sqlite',
        { HILAL_VERIFY_FAILURES_PER_MIN: '3', HILAL_TRUSTED_PROXIES: '10.9.0.0/16' },
        { now: () => clock, store: await makeStore() },
      );
      bot = await seedBot(t.services);
    });
    after(() => t.close());

    const verify = (token: string, remoteAddress: string, headers: Record<string, string> = {}) =>
      t.app.inject({
        method: 'POST',
        url: '/api/widget/verify-jwt',
        remoteAddress,
        headers,
        payload: { orgId: bot.orgId, botId: bot.botId, token },
      });
    const valid = () =>
      signHs256(bot.secret ?? '', { sub: 'u', exp: Math.floor(clock / 1000) + 600 });

    it('past the limit a failing token gets 429 with Retry-After; a valid token still verifies', async () => {
      const ip = '192.0.2.10';
      for (let i = 0; i < 3; i += 1) {
        clock += 1000;
        assert.equal((await verify('bad', ip)).statusCode, 401);
      }
      clock += 1000;
      const limited = await verify('bad', ip);
      assert.equal(limited.statusCode, 429);
      assert.deepEqual(limited.json(), {
        error: 'rate_limited',
        message: 'Too many requests. Retry later.',
      });
      // The first failure was 3 s before this one; it leaves the minute 57 s from now.
      assert.equal(limited.headers['retry-after'], '57');
      assert.equal((await verify(valid(), ip)).statusCode, 200);
      // Another address is not affected.
      assert.equal((await verify('bad', '192.0.2.11')).statusCode, 401);
    });

    it('the window slides: once the old failures are a minute old, failures get 401 again', async () => {
      const ip = '192.0.2.20';
      for (let i = 0; i < 4; i += 1) await verify('bad', ip);
      assert.equal((await verify('bad', ip)).statusCode, 429);
      clock += 61_000;
      assert.equal((await verify('bad', ip)).statusCode, 401);
    });

    it('behind a trusted proxy the limit applies to the X-Forwarded-For client, not the proxy', async () => {
      const proxy = '10.9.0.5';
      for (let i = 0; i < 4; i += 1)
        await verify('bad', proxy, { 'x-forwarded-for': '198.51.100.7' });
      assert.equal(
        (await verify('bad', proxy, { 'x-forwarded-for': '198.51.100.7' })).statusCode,
        429,
      );
      assert.equal(
        (await verify('bad', proxy, { 'x-forwarded-for': '198.51.100.8' })).statusCode,
        401,
      );
    });

    it('an untrusted peer cannot escape the limit by sending X-Forwarded-For', async () => {
      const ip = '203.0.113.9';
      for (let i = 0; i < 4; i += 1) {
        await verify('bad', ip, { 'x-forwarded-for': `198.51.100.${100 + i}` });
      }
      assert.equal(
        (await verify('bad', ip, { 'x-forwarded-for': '198.51.100.200' })).statusCode,
        429,
      );
    });
  });
}
