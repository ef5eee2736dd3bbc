import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from './support/test-app.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('request ids (README "Operations")', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('sqlite', { HILAL_TRUSTED_PROXIES: '10.1.0.0/16, ::1' });
  });
  after(() => t.close());

  const call = (remoteAddress: string, id?: string) =>
    t.app.inject({
      method: 'GET',
      url: '/healthz',
      remoteAddress,
      headers: id === undefined ? {} : { 'x-request-id': id },
    });

  // [from, the X-Request-Id it sends, whether that id is kept]
  const rows: Array<[string, string | undefined, boolean]> = [
    ['10.1.2.3', 'nginx-5f2a9c', true],
    ['::ffff:10.1.2.3', 'nginx-5f2a9c', true],
    ['::1', 'lb:42/7', true],
    ['203.0.113.5', 'client-chosen', false],
    ['10.1.2.3', 'has space', false],
    ['10.1.2.3', `x${'y'.repeat(128)}`, false],
    ['10.1.2.3', 'line\u2028break', false],
    ['10.1.2.3', undefined, false],
  ];
  for (const [from, id, kept] of rows) {
    it(`${kept ? 'keeps' : 'replaces'} ${JSON.stringify(id)} from ${from}`, async () => {
      const res = await call(from, id);
      const echoed = String(res.headers['x-request-id']);
      if (kept) assert.equal(echoed, id);
      else assert.match(echoed, UUID);
      const line = t.logs
        .map((text) => JSON.parse(text) as { msg?: string; reqId?: string })
        .findLast((entry) => entry.msg === 'request completed');
      assert.equal(line?.reqId, echoed, 'the log line carries the same id');
    });
  }

  it('gives each request its own id', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 20; i += 1)
      ids.add(String((await call('203.0.113.5')).headers['x-request-id']));
    assert.equal(ids.size, 20);
  });
});
