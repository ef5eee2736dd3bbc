import type { Kysely, Selectable } from 'kysely';
import type { Database, Role, UsersTable } from '../db/schema.js';
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
