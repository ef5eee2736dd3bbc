import { randomBytes } from 'node:crypto';
import type { Member } from '@hilal/contract/admin-api';
import type { Kysely, Transaction } from 'kysely';
import type { Database, Role } from '../db/schema.js';
import { HilalError } from '../errors.js';
import { isId } from '../ids.js';
import type { Store } from '../store/store.js';
import { deleteUserAdminSessions } from './admin-sessions.js';
import { createPasswordAttempts } from './password-attempts.js';
import { hashPassword, verifyPassword } from './password-hash.js';
import {
  countOwners,
  createUser,
  deleteUser,
  findMember,
  findPasswordHash,
  findUserByEmail,
  listMembers,
  type MemberRow,
  setPasswordHash,
  setRole,
} from './users-repository.js';

export interface MembersDeps {
  readonly db: Kysely<Database>;
  readonly store: Store;
  readonly now: () => number;
}

// Anything with an @ between two non-blank parts; whether mail arrives is the owner's business.
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const PASSWORD_MIN = 8;
const PASSWORD_MAX = 1024;

/**
 * Members and passwords (docs/contract.md §7 Accounts). Every call names the signed-in user's
 * organization and every query is scoped to it. An organization always keeps an owner: a
 * demotion or removal takes the organization's row lock, then counts the owners, in one
 * transaction, so two at the same moment cannot both leave it without one.
 *
 * @example
 * const members = createMembersService({ db, store, now: Date.now });
 * const { member, firstPassword } = await members.add(orgId, ' New@Acme.test ', 'agent');
 */
export function createMembersService({ db, store, now }: MembersDeps) {
  const attempts = createPasswordAttempts({ store, now });
  /** Runs `change` on a member who is not the organization's last owner (409 `last_owner`). */
  const changeOwnerSafely = (
    organizationId: string,
    userId: string,
    change: (trx: Transaction<Database>, member: MemberRow) => Promise<void>,
    leavesOwner: boolean,
  ) =>
    db.transaction().execute(async (trx) => {
      await lockOrganization(trx, organizationId);
      const member = isId('usr', userId)
        ? await findMember(trx, organizationId, userId)
        : undefined;
      if (member === undefined) throw new HilalError('member_not_found');
      if (member.role === 'owner' && !leavesOwner && (await countOwners(trx, organizationId)) <= 1)
        throw new HilalError('last_owner');
      await change(trx, member);
      return member;
    });

  return {
    list: async (organizationId: string) => ({
      members: (await listMembers(db, organizationId)).map(toMember),
    }),

    /** A new member with a generated first password, returned here and nowhere else. */
    async add(organizationId: string, email: string, role: Role) {
      const normalized = email.trim().toLowerCase();
      if (normalized.length > 320 || !EMAIL.test(normalized)) throw new HilalError('invalid_email');
      // Emails are unique across the server (sign-in finds the organization by email).
      if ((await findUserByEmail(db, normalized)) !== undefined)
        throw new HilalError('email_taken');
      const firstPassword = randomBytes(15).toString('base64url');
      const createdAt = now();
      let id: string;
      try {
        id = await createUser(
          db,
          {
            organizationId,
            email: normalized,
            passwordHash: await hashPassword(firstPassword),
            role,
          },
          createdAt,
        );
      } catch (error) {
        // Added by someone else between the look-up and the insert: the unique index says so.
        if (isUniqueViolation(error)) throw new HilalError('email_taken');
        throw error;
      }
      return { member: { id, email: normalized, role, createdAt }, firstPassword };
    },

    async setRole(organizationId: string, userId: string, role: Role): Promise<Member> {
      const member = await changeOwnerSafely(
        organizationId,
        userId,
        (trx) => setRole(trx, organizationId, userId, role),
        role === 'owner',
      );
      return toMember({ ...member, role });
    },

    /** Removes a member and ends their dashboard sessions. */
    async remove(organizationId: string, userId: string): Promise<void> {
      await changeOwnerSafely(
        organizationId,
        userId,
        async (trx) => {
          await deleteUserAdminSessions(trx, { id: userId, organizationId });
          await deleteUser(trx, organizationId, userId);
        },
        false,
      );
    },

    /**
     * Changes the signed-in user's own password: 400 `invalid_password` unless the new one has
     * 8 to 1024 characters, 401 `invalid_credentials` when the current one is wrong. The user's
     * other dashboard sessions end; the one that asked (`credential`) stays signed in.
     */
    /**
     * A wrong current password counts as a failed sign-in for the account and the client IP
     * (`password-attempts.ts`): a stolen session cookie buys no more guesses than the sign-in
     * form gives.
     */
    async changePassword(
      user: { userId: string; organizationId: string; email: string },
      passwords: { currentPassword: string; newPassword: string },
      credential: string | undefined,
      ip: string,
    ): Promise<void> {
      const length = [...passwords.newPassword].length; // code points, as people count
      if (length < PASSWORD_MIN || length > PASSWORD_MAX) throw new HilalError('invalid_password');
      await attempts.attempt(user.email, ip, async () => {
        const stored = await findPasswordHash(db, user.organizationId, user.userId);
        const valid =
          stored !== undefined && (await verifyPassword(passwords.currentPassword, stored));
        return valid || undefined;
      });
      const passwordHash = await hashPassword(passwords.newPassword);
      await db.transaction().execute(async (trx) => {
        await setPasswordHash(trx, user.organizationId, user.userId, passwordHash);
        await deleteUserAdminSessions(
          trx,
          { id: user.userId, organizationId: user.organizationId },
          credential,
        );
      });
    },
  };
}

export type MembersService = ReturnType<typeof createMembersService>;

function toMember(row: MemberRow): Member {
  return { id: row.id, email: row.email, role: row.role, createdAt: row.created_at };
}

/**
 * Holds the organization's row until the transaction ends, so that owner counts taken after it
 * see every change committed before (PostgreSQL: a row lock; SQLite: one writer at a time).
 */
async function lockOrganization(trx: Transaction<Database>, organizationId: string) {
  await trx
    .updateTable('organizations')
    .set((eb) => ({ name: eb.ref('name') }))
    .where('id', '=', organizationId)
    .execute();
}

/** PostgreSQL's `unique_violation`, SQLite's `SQLITE_CONSTRAINT_UNIQUE`. */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
