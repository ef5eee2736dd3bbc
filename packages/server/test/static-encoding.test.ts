// Issue 9 item 5: chat_v3.js and the dashboard's files go out precompressed (brotli or gzip, by
// Accept-Encoding), each form with its own ETag, `Vary: Accept-Encoding`, and 304s per form.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { startTestApp, type TestApp } from './support/test-app.js';

const CHROME = 'gzip, deflate, br, zstd';

describe('static files by Accept-Encoding', () => {
  let t: TestApp;
  let asset = '';
  before(async () => {
    t = await startTestApp('sqlite');
    const index = await t.app.inject({ method: 'GET', url: '/app/', headers: {} });
    asset = /src="(\/app\/assets\/[^"]+\.js)"/.exec(index.body)?.[1] ?? '';
    assert.ok(asset, 'index.html names its entry script');
  });
  after(() => t.close());

  const get = (url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url, headers });

  for (const [name, url, cache] of [
    ['chat_v3.js', () => '/chat_v3.js', 'public, max-age=300, stale-while-revalidate=86400'],
    ['a hashed dashboard asset', () => asset, 'public, max-age=31536000, immutable'],
    ['the dashboard page', () => '/app/inbox', 'no-store'],
  ] as const) {
    describe(name, () => {
      it('is sent as brotli, gzip or as it is, each decoding to the same bytes', async () => {
        const plain = await get(url());
        assert.equal(plain.statusCode, 200);
        assert.equal(plain.headers['content-encoding'], undefined, 'nothing accepted: identity');
        assert.equal(plain.headers.vary, 'Accept-Encoding');
        assert.equal(plain.headers['cache-control'], cache);

        const br = await get(url(), { 'accept-encoding': CHROME });
        assert.equal(br.headers['content-encoding'], 'br');
        assert.equal(br.headers.vary, 'Accept-Encoding');
        assert.equal(br.headers['cache-control'], cache);
        assert.equal(br.headers['content-type'], plain.headers['content-type']);
        assert.equal(Number(br.headers['content-length']), br.rawPayload.length);
        assert.ok(br.rawPayload.length < plain.rawPayload.length, 'brotli is smaller');
        assert.deepEqual(brotliDecompressSync(br.rawPayload), plain.rawPayload);

        const gzip = await get(url(), { 'accept-encoding': 'gzip;q=1, br;q=0.5' });
        assert.equal(gzip.headers['content-encoding'], 'gzip');
        assert.equal(gzip.headers.vary, 'Accept-Encoding');
        assert.deepEqual(gunzipSync(gzip.rawPayload), plain.rawPayload);

        const refused = await get(url(), { 'accept-encoding': 'br;q=0, gzip;q=0' });
        assert.equal(refused.headers['content-encoding'], undefined);
        assert.deepEqual(refused.rawPayload, plain.rawPayload);

        const etags = [plain, br, gzip].map((response) => String(response.headers.etag));
        for (const etag of etags) assert.match(etag, /^"[\w-]{27}"$/, 'a strong ETag');
        assert.equal(new Set(etags).size, 3, `one ETag per encoding: ${etags.join(' ')}`);
      });

      it('answers 304 to the ETag of the form it would send, and 200 to another', async () => {
        const br = await get(url(), { 'accept-encoding': CHROME });
        const etag = String(br.headers.etag);
        const again = await get(url(), { 'accept-encoding': CHROME, 'if-none-match': etag });
        assert.equal(again.statusCode, 304);
        assert.equal(again.rawPayload.length, 0);
        assert.equal(again.headers.etag, etag);
        assert.equal(again.headers.vary, 'Accept-Encoding');
        const listed = await get(url(), {
          'accept-encoding': CHROME,
          'if-none-match': `"other", W/${etag}`,
        });
        assert.equal(listed.statusCode, 304, 'a list, compared weakly');
        // The brotli form's ETag does not validate the gzip form.
        const gzip = await get(url(), { 'accept-encoding': 'gzip', 'if-none-match': etag });
        assert.equal(gzip.statusCode, 200);
        assert.equal(gzip.headers['content-encoding'], 'gzip');
      });
    });
  }
});
