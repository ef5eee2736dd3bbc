import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { errorBody } from '../src/errors.js';
import { DIALECTS } from './support/databases.js';
import { startTestApp, type TestApp } from './support/test-app.js';

for (const dialect of DIALECTS) {
  describe(`/healthz and /readyz (docs/contract.md §11, ${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(dialect);
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
