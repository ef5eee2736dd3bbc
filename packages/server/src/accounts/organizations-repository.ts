import type { Kysely, Selectable } from 'kysely';
import type { Database, OrganizationsTable } from '../db/schema.js';
import { newId } from '../ids.js';

// What callers read of an organization; the type below is these columns of the table.
const ORGANIZATION_COLUMNS = ['id', 'name'] as const;

export type Organization = Pick<
  Selectable<OrganizationsTable>,
  (typeof ORGANIZATION_COLUMNS)[number]
>;

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
    .select(ORGANIZATION_COLUMNS)
    .where('id', '=', id)
    .executeTakeFirst();
}
