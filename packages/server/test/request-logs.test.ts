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
  reqId?: string;
  responseTime?: number;
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
        // README "Operations": one line per request at info, with its id on every line.
        const requestLines = parsed.filter((line) => line.req !== undefined);
        assert.equal(requestLines.length, 1, `one line per request: ${text}`);
        const [completed] = requestLines;
        assert.ok(completed?.req);
        assert.equal(completed.level, 30, 'at info');
        assert.equal(completed.msg, 'request completed');
        assert.deepEqual(Object.keys(completed.req).sort(), ['id', 'method', 'route']);
        assert.equal(completed.req.route, route);
        assert.equal(completed.req.method, request.method);
        assert.deepEqual(completed.res, { statusCode: res.statusCode });
        assert.equal(typeof completed.responseTime, 'number', 'the time taken');
        const id = res.headers['x-request-id'];
        assert.equal(typeof id, 'string', 'the id is echoed in X-Request-Id');
        assert.equal(completed.req.id, id);
        for (const line of parsed) assert.equal(line.reqId, id, `every line has the id: ${text}`);
      });
    }
  });
}
