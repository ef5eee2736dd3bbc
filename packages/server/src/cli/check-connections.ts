import { Redis } from 'ioredis';
import pg from 'pg';
import type { Config } from '../config.js';
import { CliError } from './cli-error.js';

/** How long the command line waits for PostgreSQL or Redis before giving up. */
export const CONNECT_TIMEOUT_MS = 5000;

/**
 * Fails fast when PostgreSQL cannot be reached. The server's pool waits as long as the operating
 * system lets a connection attempt hang; a command typed by a person should say what is wrong
 * within seconds instead. SQLite needs no check: opening the file fails at once or not at all.
 */
export async function checkDatabase(config: Config, timeoutMs = CONNECT_TIMEOUT_MS): Promise<void> {
  const url = config.databaseUrl;
  if (url.startsWith('sqlite:')) return;
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new CliError(`cannot reach the database at ${redactUrl(url)}: ${reasonOf(error)}`);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Fails fast when `REDIS_URL` is set and Redis cannot be reached (no retries, one attempt). */
export async function checkRedis(config: Config, timeoutMs = CONNECT_TIMEOUT_MS): Promise<void> {
  const url = config.redisUrl;
  if (url === undefined) return;
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // ioredis reports the cause (e.g. ECONNREFUSED) as an event and rejects with a generic error.
  let cause: unknown;
  client.on('error', (error) => {
    cause ??= error;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new CliError(`cannot reach Redis at ${redactUrl(url)}: ${reasonOf(cause ?? error)}`);
  } finally {
    if (client.status !== 'end') client.disconnect();
  }
}

/** A connection URL fit for a message: any password is replaced. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the configured URL';
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return reasonOf(error.errors[0]);
  if (error instanceof Error && error.message !== '') return error.message;
  if (error instanceof Error && 'code' in error) return String(error.code);
  return 'connection failed';
}
