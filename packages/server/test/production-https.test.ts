import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('NODE_ENV=production: HTTPS only (docs/contract.md §8)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('sqlite', {
      NODE_ENV: 'production',
      HILAL_TRUSTED_PROXIES: '10.1.0.0/16',
    });
  });
  after(() => t.close());

  const call = (remoteAddress: string, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'GET',
      url: '/api/widget/config?orgId=org_x&botId=bot_x',
      remoteAddress,
      headers,
    });

  it('refuses a plain-HTTP request with 403 https_required, and sends HSTS', async () => {
    const res = await call('203.0.113.5');
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().error, 'https_required');
    assert.match(String(res.headers['strict-transport-security']), /max-age=\d+/);
  });

  it('believes X-Forwarded-Proto: https only from a trusted proxy', async () => {
    const viaProxy = await call('10.1.2.3', { 'x-forwarded-proto': 'https' });
    assert.equal(viaProxy.statusCode, 404, 'it reached the route (the bot does not exist)');
    const spoofed = await call('203.0.113.5', { 'x-forwarded-proto': 'https' });
    assert.equal(spoofed.statusCode, 403);
  });
});
