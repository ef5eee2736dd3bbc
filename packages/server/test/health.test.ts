import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
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
