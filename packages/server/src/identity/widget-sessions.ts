import type { Kysely } from 'kysely';
import type { Database, IdentityState } from '../db/schema.js';
import { inOrganization } from '../db/tenancy.js';
import { randomBytesFromPool } from '../ids.js';
import { deriveKey, IV_LENGTH, open, seal as sealBytes } from '../secrets/aead.js';
import type { SigningKey } from './signing-keys.js';

/** How long a widget session credential lasts; a verified one is verified only until `exp`. */
export const SESSION_LIFETIME_MS = 30 * 24 * 3600 * 1000;
const CREDENTIAL_PREFIX = 'hws_';
const MAX_CREDENTIAL_LENGTH = 4096;

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
  /** The family of the session this one was minted from (same browser); omitted: a new family. */
  readonly familyId?: string | undefined;
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
  /** Which secret verified it: a widget_secrets id, or `env:<fingerprint>` for the fallback. */
  readonly secretRef: string | null;
  /** The token's `exp`, in epoch seconds; past it the session is anonymous. */
  readonly verifiedUntil: number | null;
  /** When the credential stops working, epoch ms. */
  readonly expiresAt: number;
  /**
   * The family: every session minted from another (the same browser) shares its parent's family.
   * Limits count per family, and logout ends the whole family (docs/contract.md §10).
   */
  readonly familyId: string;
}

export interface WidgetSessions {
  /** Seals a new session into its opaque credential (`hws_…`). Nothing is written. */
  issue(session: NewWidgetSession, now: number): { credential: string; id: string };
  /** The live session a credential names, or undefined (forged, malformed, expired or ended). */
  find(credential: string, now: number): Promise<WidgetSession | undefined>;
  /**
   * The session a credential names, or undefined (forged, malformed or expired), read from the
   * credential alone: whether it was ended (logout) is left to the caller, who asks the database
   * with `sessionRevocation` in a statement of its own (the chat API: `chat/chat-caller-read.ts`).
   */
  open(credential: string, now: number): WidgetSession | undefined;
  /** Ends the session's whole family before its expiry (the widget's logout, docs/contract.md §10). */
  endFamily(session: WidgetSession, now: number): Promise<void>;
}

// The sealed fields, with short names: the credential travels in a header on every request.
interface Sealed {
  i: string;
  o: string;
  b: string;
  v: string;
  s: IdentityState;
  u?: string;
  n?: string;
  e?: string;
  r?: string;
  t?: number;
  x: number;
  /** The family id, omitted when it is the session's own id (the first of its family). */
  f?: string;
}

/**
 * Widget sessions as sealed credentials: AES-256-GCM under a key derived from the master key
 * holds the session's fields, so the credential cannot be forged or read, and verifying a token
 * writes nothing to the database (the verify hot path stays free of writes, and any instance
 * can open a credential another one issued). Only logouts are stored, as revocations.
 *
 * @example
 * const { credential } = sessions.issue({ organizationId, chatbotId, visitorId, identity: 'anonymous' }, Date.now());
 * const session = await sessions.find(credential, Date.now()); // → the same fields back
 */
export function createWidgetSessions(db: Kysely<Database>, masterKey: Buffer): WidgetSessions {
  const key = deriveKey(masterKey, 'widget-sessions');

  function seal(iv: Buffer, fields: Sealed): string {
    const sealed = sealBytes(key, Buffer.from(JSON.stringify(fields), 'utf8'), undefined, iv);
    return CREDENTIAL_PREFIX + sealed.toString('base64url');
  }

  function unseal(credential: string): Sealed | undefined {
    if (!credential.startsWith(CREDENTIAL_PREFIX) || credential.length > MAX_CREDENTIAL_LENGTH)
      return undefined;
    // Node's base64url decoder skips characters outside the alphabet, so a credential with
    // anything appended would open as the original: only the exact text that was issued passes.
    const text = credential.slice(CREDENTIAL_PREFIX.length);
    const sealed = Buffer.from(text, 'base64url');
    if (sealed.toString('base64url') !== text) return undefined;
    const plain = open(key, sealed);
    if (plain === undefined) return undefined;
    try {
      return JSON.parse(plain.toString('utf8')) as Sealed;
    } catch {
      return undefined;
    }
  }

  function openSession(credential: string, now: number): WidgetSession | undefined {
    const fields = unseal(credential);
    if (fields === undefined || fields.x <= now) return undefined;
    return {
      id: fields.i,
      organizationId: fields.o,
      chatbotId: fields.b,
      visitorId: fields.v,
      identity: fields.s,
      sub: fields.u ?? null,
      name: fields.n ?? null,
      email: fields.e ?? null,
      secretRef: fields.r ?? null,
      verifiedUntil: fields.t ?? null,
      expiresAt: fields.x,
      familyId: fields.f ?? fields.i,
    };
  }

  return {
    issue(session, now) {
      // The IV is fresh randomness that must never repeat under this key anyway; it doubles as
      // the session id, which spares a second draw from the CSPRNG on the verify hot path.
      const iv = randomBytesFromPool(IV_LENGTH);
      const id = `wss_${iv.toString('hex')}`;
      const fields: Sealed = {
        i: id,
        o: session.organizationId,
        b: session.chatbotId,
        v: session.visitorId,
        s: session.identity,
        x: now + SESSION_LIFETIME_MS,
      };
      if (session.sub !== undefined) fields.u = session.sub;
      if (session.name !== undefined) fields.n = session.name;
      if (session.email !== undefined) fields.e = session.email;
      if (session.secretRef) fields.r = session.secretRef;
      if (session.verifiedUntil !== undefined) fields.t = session.verifiedUntil;
      if (session.familyId !== undefined) fields.f = session.familyId;
      return { credential: seal(iv, fields), id };
    },

    async find(credential, now) {
      const session = openSession(credential, now);
      if (session === undefined) return undefined;
      const revoked = await sessionRevocation(db, session).executeTakeFirst();
      return revoked ? undefined : session;
    },

    open: openSession,

    async endFamily(session, now) {
      await db
        .insertInto('widget_session_revocations')
        .values({
          session_id: session.familyId,
          organization_id: session.organizationId,
          chatbot_id: session.chatbotId,
          revoked_at: now,
          // A member of the family minted up to now lives at most this long.
          expires_at: now + SESSION_LIFETIME_MS,
        })
        .onConflict((oc) => oc.column('session_id').doNothing())
        .execute();
      // Revocations past their session's expiry prove nothing any more.
      await db
        .deleteFrom('widget_session_revocations')
        .where(inOrganization('widget_session_revocations', session.organizationId))
        .where('expires_at', '<=', now)
        .execute();
    },
  };
}

/**
 * The query that finds the session ended: a row when it was (logout). A revocation names a family
 * (logout) or, from earlier versions, a single session.
 */
export function sessionRevocation(
  db: Kysely<Database>,
  session: Pick<WidgetSession, 'id' | 'organizationId' | 'familyId'>,
) {
  return db
    .selectFrom('widget_session_revocations')
    .select('session_id')
    .where(inOrganization('widget_session_revocations', session.organizationId))
    .where(
      'session_id',
      'in',
      session.familyId === session.id ? [session.id] : [session.id, session.familyId],
    );
}

/**
 * What the session is now (docs/contract.md §2, §3): a verified session stays verified only while
 * its token's `exp` has not passed and the secret that verified it still holds: it is the bot's
 * active secret, or its pending one (which keeps its id when Save makes it active). Saving a new
 * secret therefore ends the sessions of the old one at once, and cancelling a pending secret
 * (or its expiry) those of the pending one, on every instance, with no write to the sessions.
 *
 * @example
 * const current = await signingKeys.resolve(session.organizationId, session.chatbotId);
 * effectiveIdentity(session, current, Date.now() / 1000); // 'verified' | 'anonymous' | …
 */
export function effectiveIdentity(
  session: WidgetSession,
  current: Pick<SigningKey, 'secretRef' | 'pending'> | undefined,
  nowS: number,
): IdentityState {
  if (session.identity !== 'verified') return session.identity;
  const ref = session.secretRef;
  const stillSigned =
    ref !== null &&
    current !== undefined &&
    (ref === current.secretRef || ref === current.pending?.secretRef);
  const notExpired = session.verifiedUntil !== null && session.verifiedUntil > nowS;
  return stillSigned && notExpired ? 'verified' : 'anonymous';
}

export function newVisitorId(): string {
  return `vis_${randomBytesFromPool(16).toString('hex')}`;
}
