import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from './support/test-app.js';

// A token where attackers and careless embedders put them: in the query and in the path.
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1cmwtbGVhayJ9.c2lnbmF0dXJl';

// [the request, the route pattern its log lines carry]
const REQUESTS: Array<[{ method: 'GET' | 'POST'; url: string; payload?: string }, string]> = [
  [
    { method: 'GET', url: `/api/widget/config?orgId=org_x&botId=bot_x&token=${TOKEN}` },
    '/api/widget/config',
  ],
  [
    { method: 'GET', url: `/api/admin/conversations/${TOKEN.slice(0, 60)}?token=${TOKEN}` },
    '/api/admin/conversations/:conversationId',
  ],
  [
    { method: 'POST', url: `/api/widget/verify-jwt?token=${TOKEN}`, payload: '{"token":' },
    '/api/widget/verify-jwt',
  ],
  [{ method: 'GET', url: `/${TOKEN}` }, '(unmatched)'],
  [{ method: 'GET', url: `/${TOKEN}?token=${TOKEN}` }, '(unmatched)'],
  [{ method: 'GET', url: `/%zz/${TOKEN}?token=${TOKEN}` }, '(unmatched)'],
  [{ method: 'GET', url: `/api/admin/conversations/${TOKEN}${'a'.repeat(100)}` }, '(unmatched)'],
];

interface LogLine {
  level: number;
  msg?: string;
  req?: Record<string, unknown>;
  res?: Record<string, unknown>;
}

for (const level of ['info', 'trace']) {
  describe(`request logs carry the route pattern, never the raw URL (docs/contract.md §10, LOG_LEVEL=${level})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp('sqlite', { LOG_LEVEL: level });
    });
    after(() => t.close());

    for (const [request, route] of REQUESTS) {
      it(`${request.method} ${request.url.slice(0, 48)}… is logged as ${route}`, async () => {
        const first = t.logs.length;
        const res = await t.app.inject({
          ...request,
          headers: { 'content-type': 'application/json' },
        });
        assert.ok(res.statusCode >= 400, 'each of these is an error response');
        const lines = t.logs.slice(first);
        const text = lines.join('');
        assert.ok(!text.includes(TOKEN.slice(0, 20)), `the token was logged: ${text}`);
        assert.ok(!text.includes('token='), `the query string was logged: ${text}`);
        assert.ok(!text.includes('%zz'), `the raw path was logged: ${text}`);

        const parsed = lines.map((line): LogLine => JSON.parse(line));
        const incoming = parsed.find((line) => line.msg === 'incoming request');
        assert.ok(incoming?.req, 'the request is logged at info');
        assert.deepEqual(Object.keys(incoming.req).sort(), ['id', 'method', 'route']);
        assert.equal(incoming.req.route, route);
        assert.equal(incoming.req.method, request.method);
        for (const line of parsed) {
          if (line.res !== undefined) assert.deepEqual(line.res, { statusCode: res.statusCode });
        }
      });
    }
  });
}
