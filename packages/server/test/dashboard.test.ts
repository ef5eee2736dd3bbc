import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import { dashboardDistPath, dashboardPlugin } from '../src/dashboard/dashboard-plugin.js';
import { DEMO_OWNER_EMAIL } from '../src/demo/seed-demo.js';
import { installErrorHandler } from '../src/http/error-handler.js';
import { startServerProcess } from './support/server-process.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const LONG_CACHE = 'public, max-age=31536000, immutable';

describe('the dashboard at /app/ (docs/contract.md §7), served from its build', () => {
  let t: TestApp;
  before(async () => {
    assert.ok(dashboardDistPath(), 'packages/dashboard/dist is built (npm run build)');
    t = await startTestApp('sqlite');
  });
  after(() => t.close());

  it('redirects / and /app to /app/', async () => {
    for (const url of ['/', '/app']) {
      const response = await t.app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 302, url);
      assert.equal(response.headers.location, '/app/', url);
    }
  });

  it('answers /app/ and every client route with index.html, never cached', async () => {
    for (const url of ['/app/', '/app/inbox', '/app/sign-in', '/app/chatbots/bot_1?tab=basic']) {
      const response = await t.app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 200, url);
      assert.match(String(response.headers['content-type']), /^text\/html/, url);
      assert.equal(response.headers['cache-control'], 'no-store', url);
      assert.match(response.body, /<div id="root"><\/div>/, url);
    }
  });

  it('sends a strict Content-Security-Policy and forbids framing', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/app/' });
    const csp = String(response.headers['content-security-policy']);
    assert.match(csp, /(^|; )script-src 'self'(;|$)/);
    assert.match(csp, /(^|; )default-src 'self'(;|$)/);
    assert.match(csp, /(^|; )frame-ancestors 'none'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(response.headers['x-frame-options'], 'DENY');
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
  });

  it('has no inline script in index.html, which the policy would block', async () => {
    const { body } = await t.app.inject({ method: 'GET', url: '/app/' });
    const scripts = [...body.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.ok(scripts.length > 0);
    for (const [, attributes, content] of scripts) {
      assert.match(attributes ?? '', /\bsrc="\/app\/assets\//);
      assert.equal(content?.trim(), '');
    }
  });

  it('serves the hashed assets cached for a year, with an ETag', async () => {
    const { body } = await t.app.inject({ method: 'GET', url: '/app/' });
    const urls = [...body.matchAll(/(?:src|href)="(\/app\/assets\/[^"]+)"/g)].map((m) => m[1]);
    assert.ok(
      urls.some((url) => url?.endsWith('.js')) && urls.some((url) => url?.endsWith('.css')),
    );
    for (const url of urls) {
      const response = await t.app.inject({ method: 'GET', url: url ?? '' });
      assert.equal(response.statusCode, 200, url);
      assert.equal(response.headers['cache-control'], LONG_CACHE, url);
      assert.match(
        String(response.headers['content-type']),
        url?.endsWith('.js') ? /^text\/javascript/ : /^text\/css/,
      );
      const etag = String(response.headers.etag);
      const again = await t.app.inject({
        method: 'GET',
        url: url ?? '',
        headers: { 'if-none-match': etag },
      });
      assert.equal(again.statusCode, 304, url);
      assert.equal(again.body, '');
    }
  });

  it('answers an unknown asset with 404 in the error shape, not with index.html', async () => {
    for (const url of [
      '/app/assets/index-XXXXXXXX.js',
      '/app/assets/',
      '/app/assets/chunks/index.js',
    ]) {
      const response = await t.app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 404, url);
      assert.deepEqual(response.json(), { error: 'not_found', message: 'Not found.' }, url);
    }
    const manifest = await t.app.inject({ method: 'GET', url: '/app/.vite/manifest.json' });
    assert.doesNotMatch(manifest.body, /isEntry/, 'the build manifest is not served');
  });
});

describe('the dashboard without a build', () => {
  it('answers 503 unavailable in the error shape, and / still redirects', async () => {
    const app = Fastify({ logger: false });
    installErrorHandler(app);
    await app.register(dashboardPlugin, { root: path.join(os.tmpdir(), 'hilal-no-dashboard') });
    try {
      for (const url of ['/app/', '/app/inbox', '/app/assets/index-abc.js']) {
        const response = await app.inject({ method: 'GET', url });
        assert.equal(response.statusCode, 503, url);
        assert.deepEqual(response.json(), {
          error: 'unavailable',
          message: 'The service is temporarily unavailable.',
        });
      }
      assert.equal((await app.inject({ method: 'GET', url: '/' })).headers.location, '/app/');
    } finally {
      await app.close();
    }
  });
});

describe('hilal serve on a fresh data folder', () => {
  it('prints the demo owner’s password and where to sign in, and that sign-in works', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hilal-dashboard-serve-'));
    const server = await startServerProcess({ HILAL_DATA_DIR: path.join(root, 'data') });
    try {
      const signInLine = `Sign in at ${server.url}/app/ as ${DEMO_OWNER_EMAIL}`;
      for (let i = 0; i < 100 && !server.output().includes(signInLine); i++)
        await new Promise((resolve) => setTimeout(resolve, 50));
      assert.ok(server.output().includes(signInLine), server.output());
      const password = /password\s+(\S+)/.exec(server.output())?.[1] ?? '';

      const login = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Hilal-CSRF': '1' },
        body: JSON.stringify({ email: DEMO_OWNER_EMAIL, password }),
      });
      assert.equal(login.status, 200);
      const app = await fetch(`${server.url}/app/`);
      assert.equal(app.status, 200);
      assert.match(await app.text(), /<div id="root">/);
    } finally {
      await server.stop();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
