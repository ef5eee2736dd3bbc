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

export interface ContactKey {
  readonly organizationId: string;
  readonly chatbotId: string;
}

/**
 * The contact of a verified user: one per bot and `sub`, whichever device they use (docs/contract.md §2).
 * Name and email follow the latest verified claims.
 */
export function upsertVerifiedContact(
  db: Kysely<Database>,
  key: ContactKey & { sub: string; name: string | null; email: string | null },
  now: number,
): Promise<Contact> {
  const values = {
    kind: 'verified' as const,
    sub: key.sub,
    visitor_id: null,
    name: key.name,
    email: key.email,
  };
  return upsertContact(db, key, values, 'sub', contactUpdate('verified', key), now);
}

/**
 * The contact of one browser (anonymous or self-reported). A self-reported name or email is
 * kept for display only: it is never used to find or link anything.
 */
export function upsertVisitorContact(
  db: Kysely<Database>,
  key: ContactKey & { visitorId: string; name: string | null; email: string | null },
  now: number,
): Promise<Contact> {
  const values = {
    kind: 'visitor' as const,
    sub: null,
    visitor_id: key.visitorId,
    name: key.name,
    email: key.email,
  };
  return upsertContact(db, key, values, 'visitor_id', contactUpdate('visitor', key), now);
}

type ContactDetails = Pick<Contact, 'name' | 'email'>;

/**
 * What an upsert changes on a contact that exists: a verified contact's name and email follow
 * the latest claims; for a visitor, what they said last wins, but saying nothing keeps what was
 * said before.
 */
export function contactUpdate(
  kind: Contact['kind'],
  details: ContactDetails,
): Partial<ContactDetails> {
  if (kind === 'verified') return { name: details.name, email: details.email };
  return {
    ...(details.name ? { name: details.name } : {}),
    ...(details.email ? { email: details.email } : {}),
  };
}

/** Whether `update` (see `contactUpdate`) would change nothing on `contact`: then it is not written. */
export function contactHolds(contact: Contact, update: Partial<ContactDetails>): boolean {
  return (
    (update.name === undefined || update.name === contact.name) &&
    (update.email === undefined || update.email === contact.email)
  );
}

/** One statement: insert, or update on the bot's unique key, and return the row either way. */
async function upsertContact(
  db: Kysely<Database>,
  key: ContactKey,
  values: {
    kind: Contact['kind'];
    sub: string | null;
    visitor_id: string | null;
    name: string | null;
    email: string | null;
  },
  uniqueBy: 'sub' | 'visitor_id',
  update: { name?: string | null; email?: string | null },
  now: number,
): Promise<Contact> {
  return db
    .insertInto('contacts')
    .values({
      id: newId('ctc'),
      organization_id: key.organizationId,
      chatbot_id: key.chatbotId,
      ...values,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.columns(['chatbot_id', uniqueBy]).doUpdateSet({ ...update, updated_at: now }),
    )
    .returning(['id', 'kind', 'name', 'email'])
    .executeTakeFirstOrThrow();
}

/** The bot's contact with that `sub` or that browser, if it exists yet. */
export function findContact(
  db: Kysely<Database>,
  key: ContactKey,
  by: 'sub' | 'visitor_id',
  value: string,
): Promise<Contact | undefined> {
  return db
    .selectFrom('contacts')
    .select(['id', 'kind', 'name', 'email'])
    .where(inOrganization('contacts', key.organizationId))
    .where('chatbot_id', '=', key.chatbotId)
    .where(by, '=', value)
    .executeTakeFirst();
}

/** The id of the bot's contact with that `sub` or that browser, if it exists yet. */
export async function findContactId(
  db: Kysely<Database>,
  key: ContactKey,
  by: 'sub' | 'visitor_id',
  value: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('contacts')
    .select('id')
    .where(inOrganization('contacts', key.organizationId))
    .where('chatbot_id', '=', key.chatbotId)
    .where(by, '=', value)
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
