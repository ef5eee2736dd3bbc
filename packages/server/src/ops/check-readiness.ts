import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Store } from '../store/store.js';

/** How long `/readyz` waits for the database and Redis: a probe must answer quickly. */
export const READINESS_TIMEOUT_MS = 1000;

/**
 * Whether this instance can serve (docs/contract.md §11): the database answers `SELECT 1` and the
 * store (Redis, when configured) answers a PING, both within `timeoutMs`.
 */
export async function checkReadiness(
  deps: { readonly db: Kysely<Database>; readonly store: Pick<Store, 'ping'> },
  timeoutMs = READINESS_TIMEOUT_MS,
): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const checks = Promise.all([sql`select 1`.execute(deps.db), deps.store.ping()]).then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([checks, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
