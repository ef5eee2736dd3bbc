import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { openServices } from '../src/services.js';
import { createTestEnvironment, DIALECTS, type TestEnvironment } from './support/databases.js';
import { HttpWidget } from './support/http-widget.js';
import { type ServerProcess, startServerProcess } from './support/server-process.js';
import { openStream } from './support/sse.js';
import { type SeededBot, seedBot } from './support/test-app.js';

const MASTER_KEY = 'ef'.repeat(32);
const REPLY = 'Answered while shutting down.';

/**
 * A model endpoint that answers only when told to: the test holds the reply "under way" until
 * SIGTERM has been sent.
 */
function startSlowModel() {
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let arrived: () => void = () => {};
  const requestArrived = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      arrived();
      void released.then(() => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const chunk = { choices: [{ index: 0, delta: { content: REPLY } }] };
        res.write(`data: ${JSON.stringify(chunk)}\n\n`);
        res.end('data: [DONE]\n\n');
      });
    });
  });
  return { server, requestArrived, release };
}

for (const dialect of DIALECTS) {
  describe(`hilal serve stops gracefully on SIGTERM (docs/contract.md §11, ${dialect})`, () => {
    const model = startSlowModel();
    let env: TestEnvironment;
    let bot: SeededBot;
    let server: ServerProcess;

    before(async () => {
      await new Promise<void>((resolve) => model.server.listen(0, '127.0.0.1', resolve));
      const modelPort = (model.server.address() as AddressInfo).port;
      env = await createTestEnvironment(dialect);
      const services = await openServices(env.config({ HILAL_MASTER_KEY: MASTER_KEY }));
      bot = await seedBot(services);
      await services.close();
      server = await startServerProcess(
        env.env({
          HILAL_MASTER_KEY: MASTER_KEY,
          HILAL_DEMO: '0',
          HILAL_METRICS_PORT: '0',
          HILAL_LLM_BASE_URL: `http://127.0.0.1:${modelPort}/v1`,
          HILAL_LLM_TIMEOUT_MS: '60000',
        }),
      );
    });
    after(async () => {
      server?.kill('SIGKILL');
      model.server.closeAllConnections();
      await new Promise((resolve) => model.server.close(resolve));
      await env.cleanup();
    });

    it('serves /metrics on HILAL_METRICS_PORT only', async () => {
      const match = /Metrics at (http:\/\/127\.0\.0\.1:\d+)\/metrics/.exec(server.output());
      assert.ok(match?.[1], server.output());
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
      const metrics = await fetch(`${match[1]}/metrics`);
      assert.equal(metrics.status, 200);
      assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      const text = await metrics.text();
      assert.match(
        text,
        /hilal_http_requests_total\{method="GET",route="\/healthz",status="200"\} 1/,
      );
      assert.match(text, /process_cpu_seconds_total/);
      assert.equal((await fetch(`${server.url}/metrics`)).status, 404, 'not on the public port');
    });

    it('ends the live stream, stores the reply under way and exits 0 within 10 seconds', async () => {
      const widget = new HttpWidget(server.url, bot);
      assert.equal(await widget.start(), 200);
      const stream = await openStream(server.url, widget.session ?? '');
      const sent = await widget.send('Hello before the deploy', widget.nextId());
      assert.equal(sent.status, 200, 'acknowledged');
      await model.requestArrived; // the bot's reply is under way

      const signalledAt = Date.now();
      server.kill('SIGTERM');
      // Shutdown waits for the reply; the model answers a moment after the signal.
      setTimeout(model.release, 300);
      const exit = await server.exited;
      const tookMs = Date.now() - signalledAt;
      await stream.ended;

      assert.deepEqual(exit, { code: 0, signal: null }, server.output());
      assert.ok(tookMs < 10_000, `exited after ${tookMs} ms`);
      const messages = stream.events.filter((event) => event.event === 'message');
      assert.ok(
        messages.some((event) => JSON.parse(event.data).text === REPLY),
        'the open stream carried the reply before it ended',
      );
      assert.match(server.output(), /shutdown: done/);

      const services = await openServices(env.config({ HILAL_MASTER_KEY: MASTER_KEY }));
      try {
        const stored = await services.db
          .selectFrom('messages')
          .select(['author', 'text'])
          .orderBy('seq')
          .execute();
        assert.deepEqual(stored, [
          { author: 'visitor', text: 'Hello before the deploy' },
          { author: 'bot', text: REPLY },
        ]);
      } finally {
        await services.close();
      }
    });
  });
}
