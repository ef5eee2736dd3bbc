import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, IdentityState } from '../db/schema.js';
import { inOrganization } from '../db/tenancy.js';
import { newId } from '../ids.js';

/** How long a widget session lives without use; a verified one is verified only until `exp`. */
export const SESSION_LIFETIME_MS = 30 * 24 * 3600 * 1000;
const CREDENTIAL_PREFIX = 'hws_';

export interface NewWidgetSession {
  readonly organizationId: string;
  readonly chatbotId: string;
  readonly visitorId: string;
  readonly identity: IdentityState;
  readonly sub?: string | undefined;
  readonly name?: string | undefined;
  readonly email?: string | undefined;
  readonly secretRef?: string | null | undefined;
  readonly verifiedUntil?: number | undefined;
  readonly contactId?: string | null | undefined;
}

export interface WidgetSession {
  readonly id: string;
  readonly organizationId: string;
  readonly chatbotId: string;
  readonly visitorId: string;
  /** What the session was started as; see `effectiveIdentity` for what it is now. */
  readonly identity: IdentityState;
  readonly sub: string | null;
  readonly name: string | null;
  readonly email: string | null;
  readonly secretRef: string | null;
  readonly verifiedUntil: number | null;
  readonly contactId: string | null;
}

/**
 * Creates a session and returns its opaque credential (`hws_…`, 256 bits). Only the credential's
 * SHA-256 is stored, so a database dump does not hold usable credentials.
 */
export async function issueWidgetSession(
  db: Kysely<Database>,
  session: NewWidgetSession,
  now: number,
): Promise<{ credential: string; id: string }> {
  const credential = `${CREDENTIAL_PREFIX}${randomBytes(32).toString('base64url')}`;
  const id = newId('wss');
  await db
    .insertInto('widget_sessions')
    .values({
      id,
      organization_id: session.organizationId,
      chatbot_id: session.chatbotId,
      credential_hash: hashCredential(credential),
      visitor_id: session.visitorId,
      identity: session.identity,
      sub: session.sub ?? null,
      name: session.name ?? null,
      email: session.email ?? null,
      secret_ref: session.secretRef ?? null,
      verified_until: session.verifiedUntil ?? null,
      contact_id: session.contactId ?? null,
      created_at: now,
      expires_at: now + SESSION_LIFETIME_MS,
    })
    .execute();
  return { credential, id };
}

/** The live session a credential names, or undefined (unknown, malformed or expired). */
export async function findWidgetSession(
  db: Kysely<Database>,
  credential: string,
  now: number,
): Promise<WidgetSession | undefined> {
  if (!credential.startsWith(CREDENTIAL_PREFIX) || credential.length > 100) return undefined;
  const row = await db
    .selectFrom('widget_sessions')
    .selectAll()
    .where('credential_hash', '=', hashCredential(credential))
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  return {
    id: row.id,
    organizationId: row.organization_id,
    chatbotId: row.chatbot_id,
    visitorId: row.visitor_id,
    identity: row.identity,
    sub: row.sub,
    name: row.name,
    email: row.email,
    secretRef: row.secret_ref,
    verifiedUntil: row.verified_until,
    contactId: row.contact_id,
  };
}

/**
 * What the session is now (SPEC §2): a verified session stays verified only while its token's
 * `exp` has not passed and the secret that verified it is still the bot's current one. Saving a
 * new secret therefore ends it at once, on every instance, with no write to the sessions.
 */
export function effectiveIdentity(
  session: WidgetSession,
  currentSecretRef: string | null,
  nowS: number,
): IdentityState {
  if (session.identity !== 'verified') return session.identity;
  const stillSigned = session.secretRef !== null && session.secretRef === currentSecretRef;
  const notExpired = session.verifiedUntil !== null && session.verifiedUntil > nowS;
  return stillSigned && notExpired ? 'verified' : 'anonymous';
}

export function newVisitorId(): string {
  return `vis_${randomBytes(16).toString('hex')}`;
}

function hashCredential(credential: string): string {
  return createHash('sha256').update(credential).digest('hex');
}

/** Ends a session (the widget's logout); the credential stops working at once. */
export async function deleteWidgetSession(
  db: Kysely<Database>,
  organizationId: string,
  id: string,
): Promise<void> {
  await db
    .deleteFrom('widget_sessions')
    .where(inOrganization('widget_sessions', organizationId))
    .where('id', '=', id)
    .execute();
}
