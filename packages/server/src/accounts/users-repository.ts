import type { Kysely, Selectable } from 'kysely';
import type { Database, Role, UsersTable } from '../db/schema.js';
import { inOrganization } from '../db/tenancy.js';
import { newId } from '../ids.js';

export const ROLES: readonly Role[] = ['owner', 'admin', 'agent'];

/** A user as stored, password hash included: never send one to a client as it is. */
export type User = Selectable<UsersTable>;

export interface NewUser {
  readonly organizationId: string;
  readonly email: string;
  readonly passwordHash: string;
  readonly role: Role;
}

export async function createUser(
  db: Kysely<Database>,
  user: NewUser,
  now: number,
): Promise<string> {
  const id = newId('usr');
  await db
    .insertInto('users')
    .values({
      id,
      organization_id: user.organizationId,
      email: user.email.toLowerCase(),
      password_hash: user.passwordHash,
      role: user.role,
      created_at: now,
    })
    .execute();
  return id;
}

export async function findUserByEmail(
  db: Kysely<Database>,
  email: string,
): Promise<User | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('email', '=', email.toLowerCase())
    .executeTakeFirst();
}

// What the members screen reads of a user: never the password hash.
const MEMBER_COLUMNS = ['id', 'email', 'role', 'created_at'] as const;
export type MemberRow = Pick<User, (typeof MEMBER_COLUMNS)[number]>;

/** The organization's users, oldest first, without their password hashes. */
export async function listMembers(
  db: Kysely<Database>,
  organizationId: string,
): Promise<MemberRow[]> {
  return db
    .selectFrom('users')
    .select(MEMBER_COLUMNS)
    .where(inOrganization('users', organizationId))
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function findMember(
  db: Kysely<Database>,
  organizationId: string,
  userId: string,
): Promise<MemberRow | undefined> {
  return db
    .selectFrom('users')
    .select(MEMBER_COLUMNS)
    .where(inOrganization('users', organizationId))
    .where('id', '=', userId)
    .executeTakeFirst();
}

/** A user's password hash, within the organization (to check a password before changing it). */
export async function findPasswordHash(
  db: Kysely<Database>,
  organizationId: string,
  userId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('users')
    .select('password_hash')
    .where(inOrganization('users', organizationId))
    .where('id', '=', userId)
    .executeTakeFirst();
  return row?.password_hash;
}

export async function setPasswordHash(
  db: Kysely<Database>,
  organizationId: string,
  userId: string,
  passwordHash: string,
): Promise<void> {
  await db
    .updateTable('users')
    .set({ password_hash: passwordHash })
    .where(inOrganization('users', organizationId))
    .where('id', '=', userId)
    .execute();
}

export async function setRole(
  db: Kysely<Database>,
  organizationId: string,
  userId: string,
  role: Role,
): Promise<void> {
  await db
    .updateTable('users')
    .set({ role })
    .where(inOrganization('users', organizationId))
    .where('id', '=', userId)
    .execute();
}

export async function deleteUser(
  db: Kysely<Database>,
  organizationId: string,
  userId: string,
): Promise<void> {
  await db
    .deleteFrom('users')
    .where(inOrganization('users', organizationId))
    .where('id', '=', userId)
    .execute();
}

export async function countOwners(db: Kysely<Database>, organizationId: string): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number | string>().as('owners'))
    .where(inOrganization('users', organizationId))
    .where('role', '=', 'owner')
    .executeTakeFirstOrThrow();
  return Number(row.owners);
}
