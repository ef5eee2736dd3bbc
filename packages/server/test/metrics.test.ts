import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openStream } from './support/sse.js';
import { type SeededBot, seedBot, startTestApp, type TestApp } from './support/test-app.js';
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
    t = await startTestApp('sqlite');
    bot = await seedBot(t.services);
    baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
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
