/**
 * Errors that mean "the database or Redis cannot be reached right now", answered 503
 * `unavailable` rather than 500 `internal` (docs/contract.md §11). Described as data: codes from
 * the operating system, PostgreSQL's SQLSTATEs, SQLite's result codes, and the messages of the
 * drivers' own errors, which carry no code.
 */
const UNAVAILABLE_CODES = new Set([
  // The operating system: nothing listens, the connection broke, or the host is unreachable.
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  // PostgreSQL (Appendix A): shutting down, starting up, out of connections.
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  // SQLite: another connection held the lock past busy_timeout.
  'SQLITE_BUSY',
  'SQLITE_BUSY_SNAPSHOT',
  'SQLITE_BUSY_RECOVERY',
]);

// PostgreSQL's class 08, "connection exception" (08000, 08003, 08006, …).
const CONNECTION_EXCEPTION = /^08[0-9A-Z]{3}$/;

/** pg, pg-pool and ioredis report these without a code. */
const UNAVAILABLE_MESSAGES = [
  'timeout exceeded when trying to connect', // pg-pool: connectionTimeoutMillis
  'Connection terminated', // pg: "… unexpectedly", "… due to connection timeout"
  'is not queryable', // pg: a client whose connection already failed
  'Connection is closed', // ioredis
  "Stream isn't writeable", // ioredis, offline queue off
  'Command timed out', // ioredis: commandTimeout
];

const UNAVAILABLE_NAMES = new Set(['MaxRetriesPerRequestError']);

export function isUnavailableError(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 3) return false;
  const { code, name, message } = error as { code?: unknown; name?: unknown; message?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || CONNECTION_EXCEPTION.test(code)))
    return true;
  if (typeof name === 'string' && UNAVAILABLE_NAMES.has(name)) return true;
  if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((text) => message.includes(text)))
    return true;
  // Node's dual-stack connect (127.0.0.1 and ::1) fails with an AggregateError of both attempts.
  if (error instanceof AggregateError)
    return error.errors.some((e) => isUnavailableError(e, depth + 1));
  return 'cause' in error && isUnavailableError(error.cause, depth + 1);
}
