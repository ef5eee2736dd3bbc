import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { inOrganization } from '../db/tenancy.js';
import { newId } from '../ids.js';

export interface Contact {
  readonly id: string;
  readonly kind: 'verified' | 'visitor';
  readonly name: string | null;
  readonly email: string | null;
}

interface ContactKey {
  readonly organizationId: string;
  readonly chatbotId: string;
}

/**
 * The contact of a verified user: one per bot and `sub`, whichever device they use (SPEC §2).
 * Name and email follow the latest verified claims.
 */
export async function upsertVerifiedContact(
  db: Kysely<Database>,
  key: ContactKey & { sub: string; name: string | null; email: string | null },
  now: number,
): Promise<Contact> {
  await db
    .insertInto('contacts')
    .values({
      id: newId('ctc'),
      organization_id: key.organizationId,
      chatbot_id: key.chatbotId,
      kind: 'verified',
      sub: key.sub,
      visitor_id: null,
      name: key.name,
      email: key.email,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc
        .columns(['chatbot_id', 'sub'])
        .doUpdateSet({ name: key.name, email: key.email, updated_at: now }),
    )
    .execute();
  return db
    .selectFrom('contacts')
    .select(['id', 'kind', 'name', 'email'])
    .where(inOrganization('contacts', key.organizationId))
    .where('chatbot_id', '=', key.chatbotId)
    .where('sub', '=', key.sub)
    .executeTakeFirstOrThrow();
}

/**
 * The contact of one browser (anonymous or self-reported). A self-reported name or email is
 * kept for display only: it is never used to find or link anything.
 */
export async function upsertVisitorContact(
  db: Kysely<Database>,
  key: ContactKey & { visitorId: string; name: string | null; email: string | null },
  now: number,
): Promise<Contact> {
  const update = {
    updated_at: now,
    ...(key.name ? { name: key.name } : {}),
    ...(key.email ? { email: key.email } : {}),
  };
  await db
    .insertInto('contacts')
    .values({
      id: newId('ctc'),
      organization_id: key.organizationId,
      chatbot_id: key.chatbotId,
      kind: 'visitor',
      sub: null,
      visitor_id: key.visitorId,
      name: key.name,
      email: key.email,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(['chatbot_id', 'visitor_id']).doUpdateSet(update))
    .execute();
  return db
    .selectFrom('contacts')
    .select(['id', 'kind', 'name', 'email'])
    .where(inOrganization('contacts', key.organizationId))
    .where('chatbot_id', '=', key.chatbotId)
    .where('visitor_id', '=', key.visitorId)
    .executeTakeFirstOrThrow();
}

export async function findVisitorContactId(
  db: Kysely<Database>,
  key: ContactKey & { visitorId: string },
): Promise<string | undefined> {
  const row = await db
    .selectFrom('contacts')
    .select('id')
    .where(inOrganization('contacts', key.organizationId))
    .where('chatbot_id', '=', key.chatbotId)
    .where('visitor_id', '=', key.visitorId)
    .executeTakeFirst();
  return row?.id;
}

/** Keeps an email an anonymous visitor left for follow-up. */
export async function setContactEmail(
  db: Kysely<Database>,
  organizationId: string,
  contactId: string,
  email: string,
  now: number,
): Promise<void> {
  await db
    .updateTable('contacts')
    .set({ email, updated_at: now })
    .where(inOrganization('contacts', organizationId))
    .where('id', '=', contactId)
    .where('kind', '=', 'visitor')
    .execute();
}
