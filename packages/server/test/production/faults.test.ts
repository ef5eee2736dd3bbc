import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { hashPassword } from '../../src/accounts/password-hash.js';
import { createUser } from '../../src/accounts/users-repository.js';
import { openServices } from '../../src/services.js';
import { type PrivatePostgres, startPrivatePostgres } from '../support/private-postgres.js';
import { type PrivateRedis, startPrivateRedis } from '../support/private-redis.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';
import { type SeededBot, seedBot } from '../support/test-app.js';
import { signHs256 } from '../support/tokens.js';
import { type LoadFigures, noLoad, startWidgetLoad, type WidgetLoad } from './fault-load.js';
import { byForm, PROOF, printFigures } from './proof-mode.js';

/**
 * The faults suite (issue 10, docs/contract.md §11): two `hilal serve` processes on PostgreSQL
 * and Redis under widget load, while one instance is killed, PostgreSQL stops and Redis stops.
 * Its PostgreSQL cluster and redis-server are its own, on free ports, so stopping them never
 * disturbs the services other tests share. `npm test` runs the short form; `HILAL_PROOF=1` runs
 * the long form (`npm run proof`). Figures go out as `[figures] faults: …` lines, and
 * `HILAL_FAULTS_REPORT=<file>` also appends them there as JSON lines.
 */
const PLAN = byForm(
  { widgets: 10, paceMs: 2500, loadMs: 2000, outageMs: 2500 },
  { widgets: 60, paceMs: 2500, loadMs: 15_000, outageMs: 10_000 },
);
const REPORT = process.env.HILAL_FAULTS_REPORT;
const MASTER_KEY = '5e'.repeat(32);
const ADMIN = { email: 'ops@acme.test', password: 'a long enough password' };
const RECOVERY_LIMIT_MS = 5000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `GET /readyz` on every instance until each answers `status`; the time that took. */
async function allReady(
  urls: readonly string[],
  status: number,
  withinMs = 15_000,
): Promise<number> {
  const started = Date.now();
  for (const url of urls) {
    for (;;) {
      const answered = await fetch(`${url}/readyz`).then(
        async (res) => {
          await res.arrayBuffer();
          return res.status;
        },
        () => 0,
      );
      if (answered === status) break;
      if (Date.now() - started > withinMs) assert.fail(`${url}/readyz stayed ${answered}`);
      await sleep(25);
    }
  }
  return Date.now() - started;
}

interface Figures extends LoadFigures {
  fault: string;
  stored: number;
  lost: number;
  storedTwice: number;
  missingOnStreams: number;
  [extra: string]: unknown;
}

/** One `[figures] faults: <fault> (<form> form): key=value …` line (`npm run proof` collects them). */
function report(figures: Figures): void {
  const { fault, ...rest } = figures;
  printFigures(
    `faults: ${fault}`,
    Object.fromEntries(
      Object.entries(rest).map(([key, value]) => [
        key,
        typeof value === 'number' || typeof value === 'string' ? value : JSON.stringify(value),
      ]),
    ),
  );
  if (REPORT) {
    fs.appendFileSync(
      REPORT,
      `${JSON.stringify({ form: PROOF ? 'long' : 'short', ...figures })}\n`,
    );
  }
}

describe(`faults: two instances on PostgreSQL and Redis under widget load (${PROOF ? 'long' : 'short'} form)`, {
  timeout: PROOF ? 900_000 : 180_000,
}, () => {
  let postgres: PrivatePostgres;
  let redis: PrivateRedis;
  let dataDir: string;
  let env: Record<string, string>;
  let databaseUrl: string;
  let bot: SeededBot;
  const instances: ServerProcess[] = [];
  const everStarted: ServerProcess[] = [];
  let live: string[] = [];
  /**
   * Bot replies that could not be stored (the database away when they were written): the
   * visitor's message is kept, but its reply is not retried. Counted from the instances' logs.
   */
  const repliesFailed = () =>
    everStarted.reduce(
      (sum, instance) => sum + instance.output().split('"msg":"bot reply failed"').length - 1,
      0,
    );
  const start = async () => {
    const instance = await startServerProcess(env);
    everStarted.push(instance);
    return instance;
  };

  before(async () => {
    postgres = await startPrivatePostgres();
    redis = await startPrivateRedis();
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    await admin.query('create database hilal');
    await admin.end();
    const url = new URL(postgres.url);
    url.pathname = '/hilal';
    databaseUrl = url.toString();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hilal-faults-'));
    env = {
      HILAL_DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      HILAL_MASTER_KEY: MASTER_KEY,
      HILAL_DEMO: '0',
    };
    const services = await openServices(
      { ...(await import('../../src/config.js')).loadConfig(env) },
      {
        flushIntervalMs: 0,
      },
    );
    try {
      bot = await seedBot(services);
      const passwordHash = await hashPassword(ADMIN.password);
      await createUser(
        services.db,
        { organizationId: bot.orgId, email: ADMIN.email, passwordHash, role: 'admin' },
        Date.now(),
      );
    } finally {
      await services.close();
    }
    instances.push(await start(), await start());
    live = instances.map((instance) => instance.url);
  });

  after(async () => {
    // Whatever happened, nothing of ours is left running.
    for (const instance of instances) instance.kill('SIGKILL');
    await redis?.remove();
    await postgres?.remove();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Checks every acknowledged message against the database and the widgets' streams. */
  async function settle(
    fault: string,
    load: WidgetLoad,
    failedBefore: number,
    extra: Record<string, unknown>,
  ) {
    await load.stopSending();
    const deadline = Date.now() + 20_000;
    while (load.missingOnStreams().length > 0 && Date.now() < deadline) await sleep(100);
    const missing = load.missingOnStreams();
    const missingOnStreams = missing.length;
    await load.close();

    const ids = load.acknowledged.map((message) => message.clientMessageId);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const { rows } = await client.query<{ client_message_id: string; copies: number }>(
      `select client_message_id, count(*)::int as copies from messages
        where client_message_id = any($1) group by client_message_id`,
      [ids],
    );
    await client.end();
    const figures: Figures = {
      fault,
      ...load.figures,
      stored: rows.length,
      lost: ids.length - rows.length,
      storedTwice: rows.filter((row) => row.copies > 1).length,
      missingOnStreams,
      botRepliesFailed: repliesFailed() - failedBefore,
      ...extra,
      ...(missing.length > 0 ? { missingSample: missing.slice(0, 5) } : {}),
    };
    report(figures);
    assert.ok(figures.acknowledged > 0, 'the load sent messages');
    assert.equal(figures.lost, 0, 'every acknowledged message is stored');
    assert.equal(figures.storedTwice, 0, 'none is stored twice');
    assert.equal(figures.otherServerErrors, 0, 'no 500: a fault answers 503 or nothing');
    assert.equal(missingOnStreams, 0, 'every widget stream delivered its acknowledged messages');
    return figures;
  }

  const load = async () => ({
    widgets: await startWidgetLoad({
      bot,
      instances: () => live,
      widgets: PLAN.widgets,
      paceMs: PLAN.paceMs,
    }),
    failedBefore: repliesFailed(),
  });

  it('kill -9 of an instance under load, then a restart: nothing acknowledged is lost, widgets carry on', async () => {
    const { widgets, failedBefore } = await load();
    await sleep(PLAN.loadMs);
    const [victim, survivor] = instances;
    assert.ok(victim && survivor);
    victim.kill('SIGKILL');
    assert.equal((await victim.exited).signal, 'SIGKILL');
    // Like a proxy that has not noticed yet, requests still go to the dead instance: they get no
    // answer and are retried on the other one.
    const killedAt = Date.now();
    await sleep(PLAN.outageMs);
    const restartedAt = Date.now();
    const restarted = await start();
    instances[0] = restarted;
    const restartMs = Date.now() - restartedAt;
    live = [restarted.url, survivor.url];
    await sleep(PLAN.loadMs);
    const ackedAfterRestart = widgets.acknowledgedAt.filter((at) => at > restartedAt).length;
    await settle('kill -9', widgets, failedBefore, {
      downMs: restartedAt - killedAt,
      restartMs,
      ackedAfterRestart,
    });
    assert.ok(ackedAfterRestart > 0, 'widgets carried on after the restart');
  });

  it('PostgreSQL stopped: clear 503s, ready within 5 s of its return, nothing acknowledged lost', async () => {
    const { widgets, failedBefore } = await load();
    await sleep(PLAN.loadMs);
    let stopped = false;
    let unavailableDuring = 0;
    let recoveryMs = 0;
    let firstAckMs = 0;
    try {
      const before = widgets.figures.unavailable;
      await postgres.stop();
      stopped = true;
      await allReady(live, 503);
      await sleep(PLAN.outageMs);
      unavailableDuring = widgets.figures.unavailable - before;
      const startedAt = Date.now();
      await postgres.start();
      stopped = false;
      const returnedAt = Date.now();
      recoveryMs = await allReady(live, 200);
      const firstAck = widgets.acknowledgedAt.find((at) => at >= returnedAt);
      await sleep(PLAN.loadMs);
      firstAckMs =
        (firstAck ?? widgets.acknowledgedAt.find((at) => at >= returnedAt) ?? NaN) - returnedAt;
      await settle('postgresql stopped', widgets, failedBefore, {
        downMs: returnedAt - startedAt + PLAN.outageMs,
        unavailableDuring,
        recoveryMs,
        firstAckAfterReturnMs: firstAckMs,
      });
    } finally {
      // Every later scenario needs it: restart it even when an assertion failed.
      if (stopped) await postgres.start();
    }
    assert.ok(unavailableDuring > 0, 'requests during the outage were answered 503 unavailable');
    assert.ok(recoveryMs < RECOVERY_LIMIT_MS, `ready ${recoveryMs} ms after PostgreSQL returned`);
    assert.ok(firstAckMs < RECOVERY_LIMIT_MS, `first message acknowledged ${firstAckMs} ms after`);
    for (const instance of instances) {
      assert.equal(
        await Promise.race([instance.exited, sleep(0).then(() => 'running')]),
        'running',
      );
    }
  });

  it('Redis stopped: instances keep serving with the documented degradation and recover', async () => {
    const { widgets, failedBefore } = await load();
    await sleep(PLAN.loadMs);
    let stopped = false;
    let ackedDuring = 0;
    let recoveryMs = 0;
    try {
      await redis.stop();
      stopped = true;
      const stoppedAt = Date.now();
      await allReady(live, 503);
      await sleep(PLAN.outageMs);
      ackedDuring = widgets.acknowledgedAt.filter((at) => at > stoppedAt).length;
      await redis.start();
      stopped = false;
      recoveryMs = await allReady(live, 200);
      await sleep(PLAN.loadMs);
      await settle('redis stopped', widgets, failedBefore, {
        ackedDuringOutage: ackedDuring,
        recoveryMs,
      });
    } finally {
      if (stopped) await redis.start();
    }
    assert.ok(ackedDuring > 0, 'messages were acknowledged while Redis was down');
    assert.ok(recoveryMs < RECOVERY_LIMIT_MS, `ready ${recoveryMs} ms after Redis returned`);
  });

  it('a secret saved on instance A fails the old token on instance B at the very next request', async () => {
    const [a, b] = instances;
    assert.ok(a && b);
    const token = (secret: string) =>
      signHs256(secret, { sub: 'u-1', exp: Math.floor(Date.now() / 1000) + 600 });
    const verify = async (url: string, jwt: string) => {
      const res = await fetch(`${url}/api/widget/verify-jwt`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ orgId: bot.orgId, botId: bot.botId, token: jwt }),
      });
      return { status: res.status, body: (await res.json()) as { reason?: string } };
    };
    const oldToken = token(bot.secret ?? '');
    assert.equal((await verify(b.url, oldToken)).status, 200, 'B has the old key in hand');

    const login = await fetch(`${a.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    assert.equal(login.status, 200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const headers = { cookie, 'x-hilal-csrf': '1' };
    const secretUrl = `${a.url}/api/admin/bots/${bot.botId}/secret`;
    const regenerated = await fetch(`${secretUrl}/regenerate`, { method: 'POST', headers });
    const { secret } = (await regenerated.json()) as { secret: string };
    assert.equal((await fetch(`${secretUrl}/save`, { method: 'POST', headers })).status, 200);

    const next = await verify(b.url, oldToken);
    assert.equal(next.status, 401);
    assert.equal(next.body.reason, 'invalid_signature');
    assert.equal((await verify(b.url, token(secret))).status, 200);
    report({
      fault: 'secret saved on A',
      ...noLoad(),
      stored: 0,
      lost: 0,
      storedTwice: 0,
      missingOnStreams: 0,
      oldTokenOnB: next.status,
    });
  });
});
