import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { openDatabase } from '../src/db/database.js';
import { createPostgresPool } from '../src/db/postgres-pool.js';
import { isUnavailableError } from '../src/ops/is-unavailable-error.js';
import { openServices } from '../src/services.js';
import {
  createTestEnvironment,
  TEST_POSTGRES_URL,
  type TestEnvironment,
} from './support/databases.js';
import { freePort } from './support/free-port.js';

/** The error `work` rejects with (it must reject). */
async function errorOf(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

/** Waits until PostgreSQL no longer lists backend `pid` (polling, with a deadline). */
async function backendGone(pid: number): Promise<void> {
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      const { rowCount } = await admin.query('select 1 from pg_stat_activity where pid = $1', [
        pid,
      ]);
      if (rowCount === 0) return;
    }
    throw new Error(`backend ${pid} still listed`);
  } finally {
    await admin.end();
  }
}

async function terminate(pid: number): Promise<void> {
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  await admin.query('select pg_terminate_backend($1)', [pid]);
  await admin.end();
  await backendGone(pid);
}

describe('errors that mean "a dependency is away" answer 503 unavailable (docs/contract.md §11)', () => {
  let env: TestEnvironment;
  const real = new Map<string, unknown>();

  before(async () => {
    env = await createTestEnvironment('postgres');
    const closedPort = await freePort();

    real.set(
      'PostgreSQL refusing connections (ECONNREFUSED)',
      await errorOf(async () => {
        const { db } = openDatabase(`postgres://root@127.0.0.1:${closedPort}/x`);
        try {
          await sql`select 1`.execute(db);
        } finally {
          await db.destroy();
        }
      }),
    );

    // The bug of issue 10: PostgreSQL ends a connection a request holds (57P01, admin shutdown).
    const { db } = openDatabase(env.databaseUrl);
    real.set(
      'PostgreSQL ending a connection in use (57P01), then the next statement on it',
      await errorOf(() =>
        db.transaction().execute(async (trx) => {
          const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
          await terminate(rows[0]?.pid ?? 0);
          await new Promise((resolve) => setImmediate(resolve));
          await sql`select 1`.execute(trx);
        }),
      ),
    );
    await db.destroy();

    const pool = createPostgresPool({
      connectionString: env.databaseUrl,
      max: 1,
      connectionTimeoutMillis: 50,
    });
    const held = await pool.connect();
    real.set('the pool timing out (every connection busy)', await errorOf(() => pool.connect()));
    held.release();
    await pool.end();

    const redis = new Redis(`redis://127.0.0.1:${closedPort}`, {
      lazyConnect: true,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    redis.on('error', () => {});
    await redis.connect().catch(() => {});
    real.set('Redis away, offline queue off', await errorOf(() => redis.ping()));
    redis.disconnect();

    const file = `${env.dataDir}/busy.sqlite`;
    const writer = new Database(file);
    writer.exec('create table t (x)');
    writer.exec('begin immediate');
    const other = new Database(file, { timeout: 0 });
    real.set(
      'SQLite busy past its timeout',
      await errorOf(async () => other.exec('insert into t values (1)')),
    );
    writer.exec('rollback');
    writer.close();
    other.close();
  });
  after(() => env.cleanup());

  for (const name of [
    'PostgreSQL refusing connections (ECONNREFUSED)',
    'PostgreSQL ending a connection in use (57P01), then the next statement on it',
    'the pool timing out (every connection busy)',
    'Redis away, offline queue off',
    'SQLite busy past its timeout',
  ]) {
    it(`${name} is "unavailable"`, () => {
      const error = real.get(name);
      assert.ok(isUnavailableError(error), String(error));
    });
  }

  it('the process outlived PostgreSQL ending the connection a transaction held', () => {
    // Reaching this line is the test: an `error` event without a listener ends the process.
    assert.ok(
      real.has('PostgreSQL ending a connection in use (57P01), then the next statement on it'),
    );
  });

  it('an ordinary failure stays "internal"', async () => {
    const { db } = openDatabase(env.databaseUrl);
    try {
      const duplicate = await errorOf(() => sql`select 1/0`.execute(db));
      assert.equal(isUnavailableError(duplicate), false);
      assert.equal(isUnavailableError(new TypeError('x is undefined')), false);
      assert.equal(isUnavailableError(undefined), false);
    } finally {
      await db.destroy();
    }
  });

  it('the app answers 503 unavailable in the error shape for such an error, 500 internal otherwise', async () => {
    const services = await openServices(env.config(), { flushIntervalMs: 0 });
    const app = await buildApp(services);
    const refused = real.get('PostgreSQL refusing connections (ECONNREFUSED)');
    app.get('/test/unavailable', async () => {
      throw refused;
    });
    app.get('/test/internal', async () => {
      throw new TypeError('a bug');
    });
    try {
      const unavailable = await app.inject({ method: 'GET', url: '/test/unavailable' });
      assert.equal(unavailable.statusCode, 503);
      assert.deepEqual(unavailable.json(), {
        error: 'unavailable',
        message: 'The service is temporarily unavailable.',
      });
      const internal = await app.inject({ method: 'GET', url: '/test/internal' });
      assert.equal(internal.statusCode, 500);
      assert.equal(internal.json().error, 'internal');
    } finally {
      await app.close();
      await services.close();
    }
  });
});
