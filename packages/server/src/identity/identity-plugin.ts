import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  ErrorBody,
  VerifiedResponse,
  VerifyFailedResponse,
  VerifyJwtBody,
  WidgetSessionBody,
  WidgetSessionResponse,
} from '@hilal/contract';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { widgetCors } from '../http/widget-cors.js';
import type { IdentityService, WidgetRequestContext } from './identity-service.js';
import { bearerCredential } from './request-session.js';

export interface IdentityDeps {
  readonly identity: IdentityService;
}

const BODY_LIMIT = 16 * 1024;
const errors = { 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 413: ErrorBody, 429: ErrorBody };

/**
 * Where widget sessions are minted: `POST /api/widget/verify-jwt` (docs/contract.md §4) and
 * `POST /api/widget/session`. The response schemas are also the allowlist: `claims` can only
 * ever hold sub, name and email.
 */
export const identityPlugin: FastifyPluginAsync<IdentityDeps> = async (app, { identity }) => {
  widgetCors(app, ['/api/widget/verify-jwt', '/api/widget/session']);
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.post(
    '/api/widget/verify-jwt',
    {
      bodyLimit: BODY_LIMIT,
      schema: {
        body: VerifyJwtBody,
        response: { 200: VerifiedResponse, 401: VerifyFailedResponse, ...errors },
      },
    },
    async (request, reply) => {
      reply.header('Cache-Control', 'no-store');
      const outcome = await identity.verify(request.body, widgetRequestContext(request));
      if (!outcome.verified) {
        return reply
          .code(401)
          .send({ verified: false, reason: outcome.reason, detail: outcome.detail });
      }
      return outcome;
    },
  );

  api.post(
    '/api/widget/session',
    {
      bodyLimit: BODY_LIMIT,
      schema: { body: WidgetSessionBody, response: { 200: WidgetSessionResponse, ...errors } },
    },
    async (request, reply) => {
      reply.header('Cache-Control', 'no-store');
      return identity.startSession(request.body, widgetRequestContext(request));
    },
  );
};

function widgetRequestContext(request: FastifyRequest): WidgetRequestContext {
  return {
    ip: request.ip,
    origin: request.headers.origin,
    previousCredential: bearerCredential(request),
  };
}
