import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { SignedInBrowser } from '../identity/identity-service.js';
import type { ChatCaller } from './chat-auth.js';

/** What decides the contact a caller speaks as: its session and the server's identity state. */
export type ContactCaller = Pick<ChatCaller, 'session' | 'identity'>;

import {
  type Contact,
  type ContactKey,
  contactHolds,
  contactUpdate,
  findContact,
  findContactId,
  upsertVerifiedContact,
  upsertVisitorContact,
} from './contacts-repository.js';
import {
  type Conversation,
  findContactWithOpenConversation,
  moveConversations,
} from './conversations-repository.js';

/**
 * Who a caller speaks as (docs/contract.md §2): a verified caller is the bot's contact for that
 * `sub`, on any device; everyone else is this browser's contact. A verified session past its
 * `exp` or its secret is this browser again, so it no longer sees the verified history.
 */
function callerContact(caller: ContactCaller): {
  key: ContactKey;
  kind: Contact['kind'];
  by: 'sub' | 'visitor_id';
  value: string;
  name: string | null;
  email: string | null;
} {
  const { session } = caller;
  const key = { organizationId: session.organizationId, chatbotId: session.chatbotId };
  if (caller.identity === 'verified' && session.sub !== null) {
    return {
      key,
      kind: 'verified',
      by: 'sub',
      value: session.sub,
      name: session.name,
      email: session.email,
    };
  }
  // A self-reported name or email is kept for display only: never used to find or link anything.
  const selfReported = caller.identity === 'self-reported';
  return {
    key,
    kind: 'visitor',
    by: 'visitor_id',
    value: session.visitorId,
    name: selfReported ? session.name : null,
    email: selfReported ? session.email : null,
  };
}

/** The id of the contact a caller speaks as (see `ensureContact`), without creating it. */
export function findCallerContactId(
  db: Kysely<Database>,
  caller: ContactCaller,
): Promise<string | undefined> {
  const { key, by, value } = callerContact(caller);
  return findContactId(db, key, by, value);
}

/**
 * The caller's contact and its open conversation. `current` says whether the contact already
 * holds what this caller would write (`ensureContact` would not write it).
 */
export interface CallerConversation {
  readonly contact: Contact;
  readonly conversation: Conversation | undefined;
  readonly current: boolean;
}

/** The caller's contact and its open conversation, if they exist, in one query. */
export async function findCallerConversation(
  db: Kysely<Database>,
  caller: ContactCaller,
): Promise<CallerConversation | undefined> {
  const wanted = callerContact(caller);
  const found = await findContactWithOpenConversation(db, wanted.key, wanted.by, wanted.value);
  return (
    found && { ...found, current: contactHolds(found.contact, contactUpdate(wanted.kind, wanted)) }
  );
}

/**
 * The contact a caller speaks as, created or brought up to date (the latest verified claims, or
 * what the visitor said last). An existing contact that already holds them is only read.
 */
export async function ensureContact(
  db: Kysely<Database>,
  caller: ContactCaller,
  now: number,
): Promise<Contact> {
  const wanted = callerContact(caller);
  const found = await findContact(db, wanted.key, wanted.by, wanted.value);
  if (found !== undefined && contactHolds(found, contactUpdate(wanted.kind, wanted))) return found;
  return upsertCallerContact(db, caller, now);
}

/**
 * Writes the caller's contact, whether or not anything changes: in a transaction, that write
 * holds the contact's row lock on PostgreSQL (SQLite's write lock) until commit, which
 * serializes whatever opens the contact's conversation (`postMessage` in `chat-service.ts`,
 * `reopenConversation` in `inbox/inbox-states.ts`).
 */
export function upsertCallerContact(
  db: Kysely<Database>,
  caller: ContactCaller,
  now: number,
): Promise<Contact> {
  const { key, kind, value, name, email } = callerContact(caller);
  return kind === 'verified'
    ? upsertVerifiedContact(db, { ...key, sub: value, name, email }, now)
    : upsertVisitorContact(db, { ...key, visitorId: value, name, email }, now);
}

/**
 * When a browser signs in, the conversation it had as an anonymous or self-reported visitor
 * carries over to the verified identity (README, "Identify signed-in users"), in one transaction.
 */
export async function carryOverToVerified(
  db: Kysely<Database>,
  browser: SignedInBrowser,
  now: number,
): Promise<void> {
  const key = { organizationId: browser.organizationId, chatbotId: browser.chatbotId };
  const visitorContactId = await findContactId(db, key, 'visitor_id', browser.visitorId);
  if (visitorContactId === undefined) return;
  const claims = { sub: browser.sub, name: browser.name ?? null, email: browser.email ?? null };
  await db.transaction().execute(async (trx) => {
    const verified = await upsertVerifiedContact(trx, { ...key, ...claims }, now);
    await moveConversations(trx, browser.organizationId, visitorContactId, verified.id);
  });
}
