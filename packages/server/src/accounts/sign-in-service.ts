import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, Role } from '../db/schema.js';
import { HilalError } from '../errors.js';
import type { Store } from '../store/store.js';
import { deleteAdminSession, issueAdminSession } from './admin-sessions.js';
import { verifyPassword } from './password-hash.js';
import { findUserByEmail } from './users-repository.js';

// docs/contract.md §10: past 10 failures in 15 minutes, for one email or from one client IP, every attempt
// is refused — the right password included, and before any hash is computed.
const FAILURE_LIMIT = 10;
const FAILURE_WINDOW_MS = 15 * 60_000;
// One attempt at a time per email and per IP: attempts that all peeked at the count before any
// of them failed would otherwise each get a guess. A crashed attempt's lease lapses by itself.
const ATTEMPT_LEASE_MS = 30_000;
// Compared against when the email is unknown, so both paths cost one scrypt.
const DUMMY_HASH =
  'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export interface SignInDeps {
  readonly db: Kysely<Database>;
  readonly store: Store;
  readonly now: () => number;
  /** Replaces the scrypt comparison (tests count the hashes computed). */
  readonly verifyPassword?: (password: string, stored: string) => Promise<boolean>;
}

export interface SignedInUser {
  readonly id: string;
  readonly email: string;
  readonly role: Role;
  readonly organizationId: string;
}

export interface SignInService {
  /**
   * Checks an email and password from client `ip`; returns the new session's cookie credential.
   * Throws `invalid_credentials` (401) or `rate_limited` (429, with `Retry-After`).
   */
  signIn(
    email: string,
    password: string,
    ip: string,
  ): Promise<{ credential: string; user: SignedInUser }>;
  signOut(credential: string): Promise<void>;
}

/**
 * Dashboard sign-in (docs/contract.md §7) with its limits (docs/contract.md §10), counted in the `Store` so that they
 * hold across instances.
 *
 * @example
 * const signIn = createSignInService({ db, store, now: Date.now });
 * const { credential, user } = await signIn.signIn('owner@acme.test', password, request.ip);
 */
export function createSignInService(deps: SignInDeps): SignInService {
  const { db, store, now } = deps;
  const verify = deps.verifyPassword ?? verifyPassword;

  return {
    async signIn(email, password, ip) {
      const normalized = email.trim().toLowerCase();
      // The email is hashed: whatever is typed into the field (a password, at times) is not kept.
      const keys = [`sign-in:email:${sha256(normalized)}`, `sign-in:ip:${ip}`];
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
        const user = await findUserByEmail(db, normalized);
        const valid = await verify(password, user?.password_hash ?? DUMMY_HASH);
        if (user === undefined || !valid) {
          await Promise.all(
            keys.map((key) =>
              store.hitWindow(`${key}:failures`, nowMs, FAILURE_WINDOW_MS, FAILURE_LIMIT),
            ),
          );
          throw new HilalError('invalid_credentials');
        }
        const organizationId = user.organization_id;
        const credential = await issueAdminSession(db, { id: user.id, organizationId }, now());
        return {
          credential,
          user: { id: user.id, email: user.email, role: user.role, organizationId },
        };
      } finally {
        // A lease that cannot be given back (the store is down) lapses by itself.
        await release().catch(() => {});
      }
    },
    signOut: (credential) => deleteAdminSession(db, credential),
  };
}

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
