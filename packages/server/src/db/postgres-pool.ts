import pg from 'pg';

/**
 * How long a request waits for a PostgreSQL connection (a free one from the pool, or a new one)
 * before it is answered 503 `unavailable` (docs/contract.md §11): long enough that a busy pool
 * under load still answers (3 seconds was not, for the load suite on a busy machine), short
 * enough that nothing hangs while the database does not answer. A database that refuses
 * connections (stopped) fails at once.
 */
export const CONNECT_TIMEOUT_MS = 10_000;

/**
 * A `pg` pool that survives PostgreSQL going away (docs/contract.md §11, README "Operations").
 *
 * `pg` emits `error` on a client whose connection dies, and an `error` nobody listens to kills
 * the process. pg-pool listens only while a client is idle; a client checked out by a request (or
 * between two statements of a transaction) has no listener, so PostgreSQL ending its connections
 * (`57P01`, admin shutdown) crashed the server now and then. Every client gets its own listener
 * when it is made, for its whole life: the query under way fails with the error instead (and is
 * answered 503), and pg-pool drops the broken client when it is released.
 */
export function createPostgresPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool({
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    keepAlive: true,
    ...config,
  });
  // The error itself reaches whoever used the client; the listeners only keep the process alive.
  const ignore = () => {};
  pool.on('error', ignore);
  pool.on('connect', (client) => client.on('error', ignore));
  return pool;
}
