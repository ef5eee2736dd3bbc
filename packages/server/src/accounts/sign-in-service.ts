import type { Kysely } from 'kysely';
import type { Database, Role } from '../db/schema.js';
import type { Store } from '../store/store.js';
import { deleteAdminSession, issueAdminSession } from './admin-sessions.js';
import { createPasswordAttempts } from './password-attempts.js';
import { verifyPassword } from './password-hash.js';
import { findUserByEmail } from './users-repository.js';

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
  const attempts = createPasswordAttempts({ store, now });

  return {
    async signIn(email, password, ip) {
      const normalized = email.trim().toLowerCase();
      const user = await attempts.attempt(normalized, ip, async () => {
        const found = await findUserByEmail(db, normalized);
        const valid = await verify(password, found?.password_hash ?? DUMMY_HASH);
        return valid ? found : undefined;
      });
      const organizationId = user.organization_id;
      const credential = await issueAdminSession(db, { id: user.id, organizationId }, now());
      return {
        credential,
        user: { id: user.id, email: user.email, role: user.role, organizationId },
      };
    },
    signOut: (credential) => deleteAdminSession(db, credential),
  };
}
