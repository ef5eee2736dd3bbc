import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { SignedInBrowser } from '../identity/identity-service.js';
import type { ChatCaller } from './chat-auth.js';
import {
  type Contact,
  findContactId,
  upsertVerifiedContact,
  upsertVisitorContact,
} from './contacts-repository.js';
import { moveConversations } from './conversations-repository.js';

/** The id of the contact a caller speaks as (see `ensureContact`), without creating it. */
export function findCallerContactId(
  db: Kysely<Database>,
  caller: ChatCaller,
): Promise<string | undefined> {
  const { session } = caller;
  const key = { organizationId: session.organizationId, chatbotId: session.chatbotId };
  return caller.identity === 'verified' && session.sub !== null
    ? findContactId(db, key, 'sub', session.sub)
    : findContactId(db, key, 'visitor_id', session.visitorId);
}

/**
 * The contact a caller speaks as (docs/contract.md §2): a verified caller is the bot's contact for that `sub`,
 * on any device; everyone else is this browser's contact. A verified session past its `exp` or
 * its secret is this browser again, so it no longer sees the verified history.
 */
export function ensureContact(
  db: Kysely<Database>,
  caller: ChatCaller,
  now: number,
): Promise<Contact> {
  const { session } = caller;
  const key = { organizationId: session.organizationId, chatbotId: session.chatbotId };
  if (caller.identity === 'verified' && session.sub !== null) {
    return upsertVerifiedContact(
      db,
      { ...key, sub: session.sub, name: session.name, email: session.email },
      now,
    );
  }
  const selfReported = caller.identity === 'self-reported';
  return upsertVisitorContact(
    db,
    {
      ...key,
      visitorId: session.visitorId,
      name: selfReported ? session.name : null,
      email: selfReported ? session.email : null,
    },
    now,
  );
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
