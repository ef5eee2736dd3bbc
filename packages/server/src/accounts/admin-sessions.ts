import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, Role } from '../db/schema.js';
import { inOrganization } from '../db/tenancy.js';
import { newId } from '../ids.js';

/** The cookie that carries the credential (HttpOnly, SameSite=Strict, Path=/api). */
export const ADMIN_COOKIE = 'hilal_admin';
export const ADMIN_SESSION_LIFETIME_MS = 12 * 3600 * 1000;
const PREFIX = 'has_';

export interface AdminIdentity {
  readonly userId: string;
  readonly organizationId: string;
  readonly email: string;
  readonly role: Role;
}

/** Signs a user in: returns the opaque cookie credential; only its SHA-256 is stored. */
export async function issueAdminSession(
  db: Kysely<Database>,
  user: { id: string; organizationId: string },
  now: number,
): Promise<string> {
  const credential = `${PREFIX}${randomBytes(32).toString('base64url')}`;
  await db
    .insertInto('admin_sessions')
    .values({
      id: newId('ads'),
      organization_id: user.organizationId,
      user_id: user.id,
      credential_hash: hash(credential),
      created_at: now,
      expires_at: now + ADMIN_SESSION_LIFETIME_MS,
    })
    .execute();
  return credential;
}

export async function findAdminIdentity(
  db: Kysely<Database>,
  credential: string,
  now: number,
): Promise<AdminIdentity | undefined> {
  if (!credential.startsWith(PREFIX) || credential.length > 100) return undefined;
  const row = await db
    .selectFrom('admin_sessions')
    .innerJoin('users', 'users.id', 'admin_sessions.user_id')
    .select(['users.id', 'users.organization_id', 'users.email', 'users.role'])
    .where('admin_sessions.credential_hash', '=', hash(credential))
    .where('admin_sessions.expires_at', '>', now)
    // The session and the user must agree on the organization.
    .whereRef('users.organization_id', '=', 'admin_sessions.organization_id')
    .executeTakeFirst();
  return (
    row && { userId: row.id, organizationId: row.organization_id, email: row.email, role: row.role }
  );
}

export async function deleteAdminSession(db: Kysely<Database>, credential: string): Promise<void> {
  await db.deleteFrom('admin_sessions').where('credential_hash', '=', hash(credential)).execute();
}

/**
 * Ends a user's dashboard sessions in their organization (a removed member, a changed password),
 * all but the one holding `keep` when given.
 */
export async function deleteUserAdminSessions(
  db: Kysely<Database>,
  user: { id: string; organizationId: string },
  keep?: string,
): Promise<void> {
  let query = db
    .deleteFrom('admin_sessions')
    .where(inOrganization('admin_sessions', user.organizationId))
    .where('user_id', '=', user.id);
  if (keep !== undefined) query = query.where('credential_hash', '<>', hash(keep));
  await query.execute();
}

function hash(credential: string): string {
  return createHash('sha256').update(credential).digest('hex');
}
