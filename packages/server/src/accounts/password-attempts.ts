import { createHash, randomBytes } from 'node:crypto';
import { HilalError } from '../errors.js';
import type { Store } from '../store/store.js';

// docs/contract.md §10: past 10 failures in 15 minutes, for one email or from one client IP, every
// attempt is refused — the right password included, and before any hash is computed.
const FAILURE_LIMIT = 10;
const FAILURE_WINDOW_MS = 15 * 60_000;
// One attempt at a time per email and per IP: attempts that all peeked at the count before any
// of them failed would otherwise each get a guess. A crashed attempt's lease lapses by itself.
const ATTEMPT_LEASE_MS = 30_000;

export interface PasswordAttemptsDeps {
  readonly store: Store;
  readonly now: () => number;
}

/**
 * Every place that checks a password against an account — sign-in, and "Change password" with
 * its current password — counts its failures here, under the same keys: a wrong current password
 * is a failed guess at that account's password, whoever holds the session cookie. Counted in the
 * `Store`, so the limit holds across instances.
 *
 * `check` runs only while no key is past the limit and this attempt holds the turn of every key;
 * it answers what was found, or `undefined` when the password was wrong, which counts a failure
 * and throws `invalid_credentials` (401). A locked key throws `rate_limited` (429, `Retry-After`).
 *
 * @example
 * const user = await attempts.attempt(email, request.ip, async () =>
 *   (await verifyPassword(password, stored)) ? user : undefined,
 * );
 */
export function createPasswordAttempts({ store, now }: PasswordAttemptsDeps) {
  return {
    async attempt<T>(email: string, ip: string, check: () => Promise<T | undefined>): Promise<T> {
      // The email is hashed: whatever is typed into the field (a password, at times) is not kept.
      const keys = [`sign-in:email:${sha256(email.trim().toLowerCase())}`, `sign-in:ip:${ip}`];
      const release = await takeTurn(store, keys, now());
      try {
        const nowMs = now();
        const windows = await Promise.all(
          keys.map((key) => store.peekWindow(`${key}:failures`, nowMs, FAILURE_WINDOW_MS)),
        );
        const locked = windows.filter((window) => window.count >= FAILURE_LIMIT);
        if (locked.length > 0) {
          // The count drops below the limit when the oldest failure kept leaves the window.
          const untilMs = Math.max(...locked.map((window) => window.oldestMs + FAILURE_WINDOW_MS));
          throw rateLimited(untilMs - nowMs);
        }
        const found = await check();
        if (found === undefined) {
          await Promise.all(
            keys.map((key) =>
              store.hitWindow(`${key}:failures`, nowMs, FAILURE_WINDOW_MS, FAILURE_LIMIT),
            ),
          );
          throw new HilalError('invalid_credentials');
        }
        return found;
      } finally {
        // A lease that cannot be given back (the store is down) lapses by itself.
        await release().catch(() => {});
      }
    },
  };
}

export type PasswordAttempts = ReturnType<typeof createPasswordAttempts>;

/** Takes the attempt lease of every key, or none: a concurrent attempt is refused for a second. */
async function takeTurn(store: Store, keys: readonly string[], nowMs: number) {
  const leaseId = randomBytes(9).toString('base64url');
  const taken: string[] = [];
  const release = async () => {
    await Promise.all(taken.map((key) => store.releaseLease(`${key}:attempt`, leaseId)));
  };
  for (const key of keys) {
    if (!(await store.acquireLease(`${key}:attempt`, leaseId, 1, nowMs, ATTEMPT_LEASE_MS))) {
      await release();
      throw rateLimited(1000);
    }
    taken.push(key);
  }
  return release;
}

function rateLimited(waitMs: number): HilalError {
  return new HilalError('rate_limited', {
    'Retry-After': String(Math.max(1, Math.ceil(waitMs / 1000))),
  });
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}
