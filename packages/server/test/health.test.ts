import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { errorBody } from '../src/errors.js';
import { signedInAdmin } from './support/admin-client.js';
import { DIALECTS } from './support/databases.js';
import { seedBot, startTestApp, type TestApp } from './support/test-app.js';
import { startTwoInstances, type TwoInstances } from './support/two-instances.js';
import { WidgetClient } from './support/widget-client.js';

const MASTER_KEY = 'e7'.repeat(32);

for (const dialect of DIALECTS) {
  describe(`/healthz and /readyz (docs/contract.md §11, ${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(dialect, { HILAL_MASTER_KEY: MASTER_KEY });
    });
    after(() => t.close());

    it('answer 200 with a status word only, without authentication, never cached', async () => {
      for (const url of ['/healthz', '/readyz']) {
        const res = await t.app.inject({ method: 'GET', url });
        assert.equal(res.statusCode, 200, url);
        assert.deepEqual(res.json(), { status: 'ok' });
        assert.equal(res.headers['cache-control'], 'no-store');
      }
    });

    it('say the same word to any credential, and reveal no secret, path or version', async () => {
      // Attack review: a probe answer is the same for everyone, and a caller holding a dashboard
      // cookie or a widget session learns nothing more from it than a stranger does.
      const bot = await seedBot(t.services);
      const owner = await signedInAdmin(t.app, t.services, 'owner@health.test', 'owner', bot.orgId);
      const widget = new WidgetClient(t.app, bot);
      await widget.startAnonymous();
      const secrets = [
        MASTER_KEY,
        t.env.databaseUrl,
        t.env.dataDir,
        bot.secret ?? '',
        widget.session ?? '',
        owner.cookie,
      ];
      for (const url of ['/healthz', '/readyz', '/healthz?verbose=1', '/readyz?debug=true']) {
        for (const headers of [
          {},
          { cookie: owner.cookie },
          { authorization: `Bearer ${widget.session}` },
        ]) {
          const res = await t.app.inject({ method: 'GET', url, headers });
          assert.equal(res.statusCode, 200, url);
          assert.equal(res.body, '{"status":"ok"}');
          const text = JSON.stringify(res.headers) + res.body;
          for (const secret of secrets)
            assert.ok(!text.includes(secret), `${url} reveals a secret`);
          assert.equal(res.headers['set-cookie'], undefined);
          assert.equal(res.headers.server, undefined);
          assert.equal(res.headers['x-powered-by'], undefined);
        }
      }
    });

    it('answer U+0000 and a huge body in the error shape, never a 500', async () => {
      // Regression (attack review): the probes' routes were registered before the app's error
      // handler, so `?x=%00` got Fastify's own error body ({ statusCode, code, error, message }).
      for (const url of ['/healthz?x=%00', '/readyz?x=%00']) {
        const res = await t.app.inject({ method: 'GET', url });
        assert.equal(res.statusCode, 400, url);
        assert.deepEqual(res.json(), errorBody('invalid_character'), url);
      }
      // Only GET is served; a POST with a huge body is refused before anything reads it.
      const huge = await t.app.inject({
        method: 'POST',
        url: '/healthz',
        headers: { 'content-type': 'text/plain' },
        payload: 'x'.repeat(1024 * 1024),
      });
      assert.equal(huge.statusCode, 413);
      assert.deepEqual(huge.json(), errorBody('payload_too_large'));
      const post = await t.app.inject({ method: 'POST', url: '/readyz' });
      assert.equal(post.statusCode, 404);
      assert.deepEqual(post.json(), errorBody('not_found'));
    });

    it('/readyz answers 503 unavailable once the database no longer answers; /healthz still 200', async () => {
      await t.services.db.destroy();
      const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
      assert.equal(ready.statusCode, 503);
      assert.deepEqual(ready.json(), { status: 'unavailable' });
      assert.equal((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    });
  });
}

describe('/readyz of two instances on one PostgreSQL and Redis: each answers for itself', () => {
  let two: TwoInstances;
  before(async () => {
    two = await startTwoInstances();
  });
  after(() => two.close());

  it('instance A losing its database is 503 on A only; B still answers ok', async () => {
    for (const { url } of [two.a, two.b]) {
      const res = await fetch(`${url}/readyz`);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { status: 'ok' });
    }
    await two.a.services.db.destroy();
    const onA = await fetch(`${two.a.url}/readyz`);
    assert.equal(onA.status, 503);
    assert.deepEqual(await onA.json(), { status: 'unavailable' });
    const onB = await fetch(`${two.b.url}/readyz`);
    assert.equal(onB.status, 200);
    assert.deepEqual(await onB.json(), { status: 'ok' });
  });
});

describe('/healthz and /readyz in production answer plain HTTP; nothing else does', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('sqlite', { NODE_ENV: 'production' });
  });
  after(() => t.close());

  it('a probe without TLS gets its status word; any other plain-HTTP request 403 https_required', async () => {
    for (const url of ['/healthz', '/readyz']) {
      const res = await t.app.inject({ method: 'GET', url, remoteAddress: '10.9.8.7' });
      assert.equal(res.statusCode, 200, url);
      assert.deepEqual(res.json(), { status: 'ok' });
    }
    const other = await t.app.inject({
      method: 'GET',
      url: '/api/widget/config',
      remoteAddress: '10.9.8.7',
    });
    assert.equal(other.statusCode, 403);
    assert.equal(other.json().error, 'https_required');
  });
});
