import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { type AppServices, openServices } from '../src/services.js';
import { createTestEnvironment, type TestEnvironment } from './support/databases.js';
import { HttpWidget } from './support/http-widget.js';
import { type PrivateRedis, startPrivateRedis } from './support/private-redis.js';
import { openStream } from './support/sse.js';
import { type SeededBot, seedBot } from './support/test-app.js';

interface Instance {
  readonly app: FastifyInstance;
  readonly services: AppServices;
  readonly url: string;
}

/** Polls `GET /readyz` until it answers `status`; the time that took, in ms. */
async function readyzBecomes(
  instance: Instance,
  status: number,
  withinMs = 10_000,
): Promise<number> {
  const started = Date.now();
  for (;;) {
    const res = await fetch(`${instance.url}/readyz`);
    await res.arrayBuffer();
    if (res.status === status) return Date.now() - started;
    if (Date.now() - started > withinMs) assert.fail(`/readyz stayed ${res.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const seqOf = (data: string) => (JSON.parse(data) as { seq: number }).seq;
const textOf = (data: string) => (JSON.parse(data) as { text: string }).text;

describe('Redis goes away and comes back: two instances keep serving (README "Operations")', {
  timeout: 60_000,
}, () => {
  let redis: PrivateRedis;
  let env: TestEnvironment;
  let bot: SeededBot;
  let a: Instance;
  let b: Instance;

  before(async () => {
    redis = await startPrivateRedis();
    env = await createTestEnvironment('postgres');
    const config = env.config({ REDIS_URL: redis.url, HILAL_MASTER_KEY: '9a'.repeat(32) });
    const start = async (): Promise<Instance> => {
      const services = await openServices(config, { flushIntervalMs: 0 });
      const app = await buildApp(services);
      return { app, services, url: await app.listen({ port: 0, host: '127.0.0.1' }) };
    };
    a = await start();
    b = await start();
    bot = await seedBot(a.services);
  });
  after(async () => {
    for (const instance of [a, b]) {
      await instance?.app.close();
      await instance?.services.close();
    }
    await redis?.remove();
    await env?.cleanup();
  });

  it('serves chat while Redis is down, and its streams replay what they missed once it is back', async () => {
    const widget = new HttpWidget(a.url, bot);
    assert.equal(await widget.start(), 200);
    const session = widget.session ?? '';
    const onA = await openStream(a.url, session);
    const onB = await openStream(b.url, session);
    const isVisitor = (text: string) => (event: { event: string; data: string }) =>
      event.event === 'message' && textOf(event.data) === text;

    assert.equal((await widget.send('before', widget.nextId())).status, 200);
    const before = await onB.waitFor(isVisitor('before'));
    await onA.waitFor(isVisitor('before'));

    await redis.stop();
    await readyzBecomes(a, 503);
    await readyzBecomes(b, 503);
    assert.deepEqual(await (await fetch(`${a.url}/readyz`)).json(), { status: 'unavailable' });
    assert.match(await a.app.metrics.registry.metrics(), /hilal_redis_up 0/);

    // Degraded, not down: the message is stored and acknowledged; live events wait for Redis.
    assert.deepEqual(await widget.send('during', widget.nextId()), { status: 200 });
    const other = new HttpWidget(b.url, bot);
    assert.equal(await other.start(), 200, 'sessions start (limits counted locally)');
    const third = await openStream(b.url, other.session ?? '');
    third.close();

    await redis.start();
    const recoveredA = await readyzBecomes(a, 200);
    const recoveredB = await readyzBecomes(b, 200);
    assert.ok(
      Math.max(recoveredA, recoveredB) < 5000,
      `ready again after ${recoveredA}/${recoveredB} ms`,
    );
    assert.match(await b.app.metrics.registry.metrics(), /hilal_redis_up 1/);

    // Both ended their streams when Redis came back; the widget reconnects and the gap is
    // replayed from the database, on either instance.
    await onB.ended;
    await onA.ended;
    for (const stream of [onA, onB]) {
      assert.ok(!stream.events.some(isVisitor('during')), 'no live event while Redis was away');
    }
    const again = await openStream(b.url, session, seqOf(before.data));
    await again.waitFor(isVisitor('during'));
    // And events cross instances again: sent through A, heard on B.
    assert.equal((await widget.send('after', widget.nextId())).status, 200);
    await again.waitFor(isVisitor('after'));
    again.close();
  });
});
