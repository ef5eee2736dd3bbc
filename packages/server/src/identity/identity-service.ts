import type { Kysely } from 'kysely';
import type { BotCounters } from '../bots/bot-counters.js';
import { originAllowed } from '../bots/bot-settings.js';
import { findWidgetBot } from '../bots/widget-bot.js';
import type { Database } from '../db/schema.js';
import { HilalError } from '../errors.js';
import { isId } from '../ids.js';
import { countPerMinute } from '../store/per-minute-limit.js';
import type { Store } from '../store/store.js';
import { findSession } from './request-session.js';
import type { SigningKeys } from './signing-keys.js';
import { recordVerifyFailure } from './verify-failures-repository.js';
import type { VerifyFailure } from './verify-reasons.js';
import type { VerifiedClaims } from './verify-widget-token.js';
import { verifyWithSigningKey } from './verify-with-signing-key.js';
import { newVisitorId, type WidgetSessions } from './widget-sessions.js';

/** A browser that just signed in, whose earlier conversation carries over (see the chat feature). */
export interface SignedInBrowser {
  readonly organizationId: string;
  readonly chatbotId: string;
  readonly visitorId: string;
  readonly sub: string;
  readonly name?: string | undefined;
  readonly email?: string | undefined;
}

export interface IdentityServiceDeps {
  readonly db: Kysely<Database>;
  readonly signingKeys: Pick<SigningKeys, 'resolve'>;
  readonly sessions: Pick<WidgetSessions, 'issue' | 'find'>;
  readonly store: Store;
  readonly counters: Pick<BotCounters, 'add'>;
  readonly now: () => number;
  /** WIDGET_JWT_CLOCK_TOLERANCE_S. */
  readonly toleranceS: number;
  /** HILAL_VERIFY_FAILURES_PER_MIN. */
  readonly failuresPerMin: number;
  /** Called when a browser's session becomes verified for the same user (or its first). */
  readonly onSignedIn: (browser: SignedInBrowser) => Promise<void>;
}

/** Where a widget request comes from: what the HTTP layer knows, nothing more. */
export interface WidgetRequestContext {
  readonly ip: string;
  readonly origin: string | undefined;
  /** The session this browser already holds (`Authorization: Bearer`), if any. */
  readonly previousCredential: string | undefined;
}

export type VerifyOutcome =
  | {
      readonly verified: true;
      readonly claims: VerifiedClaims;
      readonly expiresAt: number;
      readonly session: string;
    }
  | VerifyFailure;

export interface IdentityService {
  /**
   * docs/contract.md §4: 404 and 403 as errors (thrown), then the token's verdict. Failures count towards
   * the caller's per-IP limit; past it a failing token throws 429 instead of giving a reason.
   */
  verify(
    input: { orgId: string; botId: string; token: string },
    context: WidgetRequestContext,
  ): Promise<VerifyOutcome>;
  /** An anonymous or self-reported session (docs/contract.md §2); the same browser keeps its visitor id. */
  startSession(
    input: {
      orgId: string;
      botId: string;
      user?: { name?: string | null; email?: string | null } | undefined;
    },
    context: WidgetRequestContext,
  ): Promise<{ session: string; identity: 'anonymous' | 'self-reported' }>;
}

/** Minting widget sessions: from a verified token, or for an anonymous or self-reported visitor. */
export function createIdentityService(deps: IdentityServiceDeps): IdentityService {
  const { signingKeys, sessions, store, counters, now } = deps;

  return {
    async verify({ orgId, botId, token }, context) {
      const signing =
        isId('org', orgId) && isId('bot', botId)
          ? await signingKeys.resolve(orgId, botId)
          : undefined;
      if (signing === undefined) throw new HilalError('bot_not_found');
      // The allowed origins come with the keys (one read, cached alike): docs/contract.md §4, 403.
      if (!originAllowed(signing, context.origin)) throw new HilalError('origin_not_allowed');

      const nowMs = now();
      // docs/contract.md §3: the active secret, or a pending one (zero-gap rotation).
      const { result, secretRef } = verifyWithSigningKey(token, signing, {
        nowS: nowMs / 1000,
        toleranceS: deps.toleranceS,
      });

      if (!result.verified) {
        counters.add(orgId, botId, `verify:${result.reason}:${result.detail}`);
        // "Recent failures" on the Widget Security card (docs/contract.md §7): never the token.
        await recordVerifyFailure(
          deps.db,
          {
            organizationId: orgId,
            chatbotId: botId,
            reason: result.reason,
            detail: result.detail,
            origin: context.origin,
          },
          nowMs,
        );
        // docs/contract.md §4: failures are counted per client IP; past the limit a failing token gets 429
        // (no reason to learn from), while a valid token from the same IP still verifies.
        const { limited, retryAfterS } = await countPerMinute(
          store,
          `verify-failures:${context.ip}`,
          deps.failuresPerMin,
          nowMs,
        );
        if (limited) throw new HilalError('rate_limited', { 'Retry-After': String(retryAfterS) });
        return result;
      }

      counters.add(orgId, botId, 'verify:verified');
      if (result.longLived) counters.add(orgId, botId, 'verify:long_lived');
      // This browser's family carries over; so do its visitor id and conversation, unless it was
      // signed in as somebody else: a different user never inherits another's conversation.
      const previous = await findSession(sessions, context.previousCredential, nowMs, {
        orgId,
        botId,
      });
      const sameBrowser =
        previous !== undefined && (previous.sub === null || previous.sub === result.claims.sub);
      const visitorId = sameBrowser ? previous.visitorId : newVisitorId();
      const { credential } = sessions.issue(
        {
          organizationId: orgId,
          chatbotId: botId,
          visitorId,
          identity: 'verified',
          sub: result.claims.sub,
          name: result.claims.name,
          email: result.claims.email,
          secretRef,
          verifiedUntil: result.expiresAt,
          familyId: previous?.familyId,
        },
        nowMs,
      );
      if (sameBrowser) {
        await deps.onSignedIn({
          organizationId: orgId,
          chatbotId: botId,
          visitorId,
          ...result.claims,
        });
      }
      return {
        verified: true,
        claims: result.claims,
        expiresAt: result.expiresAt,
        session: credential,
      };
    },

    async startSession({ orgId, botId, user }, context) {
      await findWidgetBot(deps.db, orgId, botId, context.origin);
      const name = user?.name?.trim() || undefined;
      const email = user?.email?.trim() || undefined;
      const identity = name || email ? 'self-reported' : 'anonymous';
      const nowMs = now();
      const previous = await findSession(sessions, context.previousCredential, nowMs, {
        orgId,
        botId,
      });
      // The same browser keeps its visitor id, and so its anonymous conversation; a browser that
      // was someone's verified session starts afresh instead. The family carries over either way.
      const visitorId =
        previous && previous.identity !== 'verified' ? previous.visitorId : newVisitorId();
      const { credential } = sessions.issue(
        {
          organizationId: orgId,
          chatbotId: botId,
          visitorId,
          identity,
          name,
          email,
          familyId: previous?.familyId,
        },
        nowMs,
      );
      return { session: credential, identity };
    },
  };
}
