import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { errorBody } from '../src/errors.js';
import { VERIFY_REASONS } from '../src/identity/verify-reasons.js';
import { type MetricsServer, startMetricsServer } from '../src/ops/metrics-server.js';
import { signedInAdmin } from './support/admin-client.js';
import { openStream } from './support/sse.js';
import { type SeededBot, seedBot, serveSeededBot, type TestApp } from './support/test-app.js';
import { startTwoInstances, type TwoInstances } from './support/two-instances.js';
import { WidgetClient } from './support/widget-client.js';

/** The value of one sample of the app's metrics, e.g. `hilal_messages_total{author="bot"}`. */
async function sample(t: TestApp, series: string): Promise<number | undefined> {
  const text = await t.app.metrics.registry.metrics();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Polls a sample until it equals `expected` (a stream closes asynchronously), with a deadline. */
async function eventually(t: TestApp, series: string, expected: number): Promise<void> {
  const deadline = Date.now() + 5000;
  while ((await sample(t, series)) !== expected) {
    if (Date.now() > deadline) assert.equal(await sample(t, series), expected, series);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('/metrics counts what docs/contract.md §11 lists, by closed labels only', () => {
  let t: TestApp;
  let bot: SeededBot;
  let baseUrl: string;
  before(async () => {
    ({ t, bot, baseUrl } = await serveSeededBot());
  });
  after(() => t.close());

  it('verification outcomes by reason', async () => {
    const widget = new WidgetClient(t.app, bot);
    assert.equal((await widget.verify(widget.token('u-1'))).statusCode, 200);
    const forged = new WidgetClient(t.app, { ...bot, secret: 'not the secret' });
    assert.equal((await forged.verify(forged.token('u-2'))).statusCode, 401);
    assert.equal((await forged.verify('not.a.token')).statusCode, 401);
    assert.equal(await sample(t, 'hilal_verifications_total{outcome="verified"}'), 1);
    assert.equal(await sample(t, 'hilal_verifications_total{outcome="invalid_signature"}'), 1);
    assert.equal(await sample(t, 'hilal_verifications_total{outcome="malformed"}'), 1);
  });

  it('identity-header mismatches, messages by author and reply latency', async () => {
    const widget = new WidgetClient(t.app, bot);
    await widget.startAnonymous();
    widget.belief = 'verified'; // what a tampered widget would claim
    await widget.sendAndAwaitReply('hello');
    // The message and the history read after it both claimed more than the session holds.
    assert.equal(await sample(t, 'hilal_identity_mismatches_total'), 2);
    assert.equal(await sample(t, 'hilal_messages_total{author="visitor"}'), 1);
    assert.equal(await sample(t, 'hilal_messages_total{author="bot"}'), 1);
    assert.equal(await sample(t, 'hilal_reply_duration_seconds_count{outcome="ok"}'), 1);
  });

  it('HTTP requests by route pattern and status, never the raw URL', async () => {
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJxIn0.c2ln';
    await t.app.inject({ method: 'GET', url: `/api/admin/conversations/conv_1?token=${token}` });
    await t.app.inject({ method: 'GET', url: `/${token}` });
    assert.equal(
      await sample(
        t,
        'hilal_http_requests_total{method="GET",route="/api/admin/conversations/:conversationId",status="401"}',
      ),
      1,
    );
    assert.equal(
      await sample(t, 'hilal_http_requests_total{method="GET",route="(unmatched)",status="404"}'),
      1,
    );
    assert.equal(
      await sample(
        t,
        'hilal_http_requests_total{method="POST",route="/api/widget/verify-jwt",status="200"}',
      ),
      1,
    );
    const text = await t.app.metrics.registry.metrics();
    assert.ok(!text.includes(token.slice(0, 12)), 'no token in the metrics');
    assert.ok(!text.includes('conv_1'), 'no path value in the metrics');
    assert.match(text, /hilal_http_request_duration_seconds_bucket\{le="0.005",method="GET"/);
  });

  it('live streams open now', async () => {
    const widget = new WidgetClient(t.app, bot);
    await widget.startAnonymous();
    assert.equal(await sample(t, 'hilal_live_streams{stream="chat"}'), 0);
    const first = await openStream(baseUrl, widget.session ?? '');
    const second = await openStream(baseUrl, widget.session ?? '');
    assert.equal(await sample(t, 'hilal_live_streams{stream="chat"}'), 2);
    assert.equal(await sample(t, 'hilal_live_streams{stream="inbox"}'), 0);
    first.close();
    await eventually(t, 'hilal_live_streams{stream="chat"}', 1);
    second.close();
    await eventually(t, 'hilal_live_streams{stream="chat"}', 0);
  });

  it('has no Redis gauge without REDIS_URL', async () => {
    assert.ok(!(await t.app.metrics.registry.metrics()).includes('hilal_redis_up'));
  });
});

/** Every sample line of a scrape: its name, its labels and their values. */
function samples(text: string): Array<{ name: string; labels: Record<string, string> }> {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? \S+$/.exec(line);
      assert.ok(match?.[1], `not a sample line: ${line}`);
      const labels = Object.fromEntries(
        [...(match[2] ?? '').matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [
          m[1] as string,
          m[2] as string,
        ]),
      );
      return { name: match[1], labels };
    });
}

describe('/metrics on HILAL_METRICS_PORT: not on the main port, no credential in any label', () => {
  let t: TestApp;
  let bot: SeededBot;
  let baseUrl: string;
  let metrics: MetricsServer;
  before(async () => {
    ({ t, bot, baseUrl } = await serveSeededBot());
    // As `hilal serve` does with HILAL_METRICS_PORT (src/cli/serve.ts).
    metrics = await startMetricsServer(t.app.metrics.registry, { port: 0, host: '127.0.0.1' });
  });
  after(async () => {
    await metrics.close();
    await t.close();
  });

  it('the main port answers /metrics 404 not_found; the metrics port serves GET /metrics only', async () => {
    const main = await fetch(`${baseUrl}/metrics`);
    assert.equal(main.status, 404);
    assert.deepEqual(await main.json(), errorBody('not_found'));
    const scrape = await fetch(`${metrics.url}/metrics`);
    assert.equal(scrape.status, 200);
    assert.match(await scrape.text(), /hilal_http_requests_total/);
    for (const [method, path] of [
      ['POST', '/metrics'],
      ['GET', '/'],
      ['GET', '/api/widget/config'],
    ]) {
      const res = await fetch(`${metrics.url}${path}`, { method });
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.deepEqual(await res.json(), errorBody('not_found'), `${method} ${path}`);
    }
  });

  it('after requests carrying every kind of credential, no label value holds one of them', async () => {
    const owner = await signedInAdmin(t.app, t.services, 'owner@metrics.test', 'owner', bot.orgId);
    const widget = new WidgetClient(t.app, bot);
    const token = widget.token('metrics-user', { name: 'Mira', email: 'mira@metrics.test' });
    // A token in the body of verify-jwt and bootstrap; a session as Bearer and in a simple body.
    assert.equal((await widget.verify(token)).statusCode, 200);
    await widget.sendAndAwaitReply('hello');
    const session = widget.session ?? '';
    await t.app.inject({
      method: 'POST',
      url: '/api/widget/bootstrap',
      headers: { 'content-type': 'text/plain' },
      payload: JSON.stringify({ orgId: bot.orgId, botId: bot.botId, token, session }),
    });
    const history = (await widget.history()).json();
    // Ids and credentials where a careless counter would pick them up: paths, queries, headers.
    await owner.call('GET', `/api/admin/bots/${bot.botId}`);
    await owner.call('GET', `/api/admin/conversations/${history.conversationId}`);
    await owner.call('POST', `/api/admin/bots/${bot.botId}/secret/check`, { token });
    await t.app.inject({ method: 'GET', url: `/${token}?session=${session}` });
    await t.app.inject({ method: 'GET', url: `/api/chat/history?token=${token}` });
    await t.app.inject({ method: 'GET', url: `/healthz?secret=${bot.secret}` });
    await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'owner@metrics.test', password: 'a wrong password of its own' },
    });

    const text = await (await fetch(`${metrics.url}/metrics`)).text();
    const needles = {
      token,
      'token payload': token.split('.')[1] ?? '',
      session,
      secret: bot.secret ?? '',
      cookie: owner.cookie.split('=')[1] ?? '',
      password: 'a wrong password of its own',
      email: 'metrics.test',
      orgId: bot.orgId,
      botId: bot.botId,
      conversationId: history.conversationId,
      name: 'Mira',
      sub: 'metrics-user',
    };
    for (const [what, needle] of Object.entries(needles)) {
      assert.ok(needle.length > 3, what);
      assert.ok(!text.includes(needle), `the metrics hold the ${what}`);
    }
    // Hilal's labels are closed sets: every route is a registered pattern, never a path.
    const closed: Record<string, (value: string, labels: Record<string, string>) => boolean> = {
      method: (value) => /^[A-Z]+$/.test(value),
      route: (value, labels) =>
        value === '(unmatched)' || t.app.hasRoute({ method: labels.method as 'GET', url: value }),
      status: (value) => /^[1-5]\d\d$/.test(value),
      outcome: (value) => value in VERIFY_REASONS || ['verified', 'ok', 'error'].includes(value),
      author: (value) => ['visitor', 'bot', 'agent'].includes(value),
      stream: (value) => ['chat', 'inbox'].includes(value),
      le: (value) => value === '+Inf' || Number.isFinite(Number(value)),
    };
    const seen = samples(text).filter((sample) => sample.name.startsWith('hilal_'));
    assert.ok(seen.some((sample) => sample.labels.route === '/api/admin/bots/:botId'));
    for (const { name, labels } of seen) {
      for (const [label, value] of Object.entries(labels)) {
        const check = closed[label];
        assert.ok(check, `${name} has an unexpected label ${label}`);
        assert.ok(check(value, labels), `${name}{${label}="${value}"} is not a closed value`);
      }
    }
  });
});

describe('/metrics of two instances on one PostgreSQL and Redis: each counts its own', () => {
  let two: TwoInstances;
  let scrapes: MetricsServer[];
  before(async () => {
    two = await startTwoInstances();
    scrapes = await Promise.all(
      [two.a, two.b].map(({ app }) =>
        startMetricsServer(app.metrics.registry, { port: 0, host: '127.0.0.1' }),
      ),
    );
  });
  after(async () => {
    for (const scrape of scrapes) await scrape.close();
    await two.close();
  });

  it('a request to instance A is in A’s scrape only', async () => {
    const bot = await seedBot(two.a.services);
    const res = await fetch(`${two.a.url}/api/widget/config?orgId=${bot.orgId}&botId=${bot.botId}`);
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    const series =
      'hilal_http_requests_total{method="GET",route="/api/widget/config",status="200"} 1';
    const [onA, onB] = await Promise.all(
      scrapes.map(async (scrape) => (await fetch(`${scrape.url}/metrics`)).text()),
    );
    assert.ok(onA?.includes(series), 'A counted it');
    assert.ok(!onB?.includes('route="/api/widget/config"'), 'B did not');
    assert.ok(!onA?.includes(bot.botId) && !onB?.includes(bot.botId));
  });
});
