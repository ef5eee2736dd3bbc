import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { newId } from '../ids.js';

export interface Organization {
  readonly id: string;
  readonly name: string;
}

export async function createOrganization(
  db: Kysely<Database>,
  name: string,
  now: number,
): Promise<Organization> {
  const organization = { id: newId('org'), name };
  await db
    .insertInto('organizations')
    .values({ ...organization, created_at: now })
    .execute();
  return organization;
}

export async function findOrganization(
  db: Kysely<Database>,
  id: string,
): Promise<Organization | undefined> {
  return db
    .selectFrom('organizations')
    .select(['id', 'name'])
    .where('id', '=', id)
    .executeTakeFirst();
}
