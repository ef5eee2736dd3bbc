import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { carryOverToVerified } from '../chat/chat-contacts.js';
import { errorBody, HilalError } from '../errors.js';
import { isId } from '../ids.js';
import type { AppServices } from '../services.js';
import { countPerMinute } from '../store/per-minute-limit.js';
import { requestSession } from './request-session.js';
import { VERIFY_DETAILS, VERIFY_REASONS } from './verify-reasons.js';
import { verifyWidgetToken } from './verify-widget-token.js';
import { newVisitorId } from './widget-sessions.js';

const BODY_LIMIT = 16 * 1024;

const VerifyBody = Type.Object({
  orgId: Type.String(),
  botId: Type.String(),
  token: Type.String(),
});

// The response schemas are also the allowlist: `claims` can only ever hold sub, name and email.
const Verified = Type.Object(
  {
    verified: Type.Literal(true),
    claims: Type.Object(
      {
        sub: Type.String(),
        name: Type.Optional(Type.String()),
        email: Type.Optional(Type.String()),
      },
      { additionalProperties: false },
    ),
    expiresAt: Type.Number(),
    session: Type.String(),
  },
  { additionalProperties: false },
);
const Failed = Type.Object(
  {
    verified: Type.Literal(false),
    reason: Type.Union(Object.keys(VERIFY_REASONS).map((reason) => Type.Literal(reason))),
    detail: Type.Union(Object.keys(VERIFY_DETAILS).map((detail) => Type.Literal(detail))),
  },
  { additionalProperties: false },
);
const ErrorResponse = Type.Object({ error: Type.String(), message: Type.String() });

/** `POST /api/widget/verify-jwt` (SPEC §4). */
export function registerVerifyJwtRoute(app: FastifyInstance, services: AppServices): void {
  const { config, signingKeys, store, counters, db, now } = services;

  app.post<{ Body: Static<typeof VerifyBody> }>(
    '/api/widget/verify-jwt',
    {
      bodyLimit: BODY_LIMIT,
      schema: {
        body: VerifyBody,
        response: {
          200: Verified,
          401: Failed,
          400: ErrorResponse,
          404: ErrorResponse,
          413: ErrorResponse,
          429: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const { orgId, botId, token } = request.body;
      reply.header('Cache-Control', 'no-store');
      const signing =
        isId('org', orgId) && isId('bot', botId)
          ? await signingKeys.resolve(orgId, botId)
          : undefined;
      if (signing === undefined) throw new HilalError('bot_not_found');

      const nowMs = now();
      const result = verifyWidgetToken(token, signing.key, {
        nowS: nowMs / 1000,
        toleranceS: config.clockToleranceS,
      });

      if (!result.verified) {
        counters.add(orgId, botId, `verify:${result.reason}:${result.detail}`);
        // SPEC §4: failures are counted per client IP; past the limit a failing token gets 429
        // (no reason to learn from), while a valid token from the same IP still verifies.
        const { limited, retryAfterS } = await countPerMinute(
          store,
          `verify-failures:${request.ip}`,
          config.verifyFailuresPerMin,
          nowMs,
        );
        if (limited) {
          return reply
            .code(429)
            .header('Retry-After', String(retryAfterS))
            .send(errorBody('rate_limited'));
        }
        return reply
          .code(401)
          .send({ verified: false, reason: result.reason, detail: result.detail });
      }

      counters.add(orgId, botId, 'verify:verified');
      if (result.longLived) counters.add(orgId, botId, 'verify:long_lived');
      // This browser carries over (its visitor id, and so its conversation), unless it was
      // signed in as somebody else: a different user never inherits another's browser.
      const previous = await requestSession(request, services.sessions, now(), { orgId, botId });
      const sameBrowser =
        previous !== undefined && (previous.sub === null || previous.sub === result.claims.sub);
      const session = {
        organizationId: orgId,
        chatbotId: botId,
        visitorId: sameBrowser ? previous.visitorId : newVisitorId(),
        identity: 'verified',
        sub: result.claims.sub,
        name: result.claims.name,
        email: result.claims.email,
        secretRef: signing.secretRef,
        verifiedUntil: result.expiresAt,
      } as const;
      const { credential } = services.sessions.issue(session, nowMs);
      if (sameBrowser) {
        await carryOverToVerified(db, { ...session, ...result.claims }, nowMs);
      }
      return {
        verified: true,
        claims: result.claims,
        expiresAt: result.expiresAt,
        session: credential,
      };
    },
  );
}
