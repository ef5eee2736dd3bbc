import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  ErrorBody,
  VerifiedLoadResponse,
  VerifyFailedLoadResponse,
  VerifyJwtBody,
  type WidgetBootstrapBody,
  type WidgetBootstrapResponse,
  WidgetSessionBody,
  WidgetSessionResponse,
} from '@hilal/contract';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { WidgetLoadRequest } from '../chat/widget-load.js';
import { widgetCors } from '../http/widget-cors.js';
import type { IdentityService, WidgetRequestContext } from './identity-service.js';
import { bearerCredential } from './request-session.js';

export interface IdentityDeps {
  readonly identity: IdentityService;
  /** The widget's load (`loadWidget` in the chat feature), for verify-jwt's `load`. */
  readonly load: (
    body: WidgetBootstrapBody,
    from: WidgetLoadRequest,
  ) => Promise<WidgetBootstrapResponse>;
}

const BODY_LIMIT = 16 * 1024;
const errors = { 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 413: ErrorBody, 429: ErrorBody };

/**
 * Where widget sessions are minted: `POST /api/widget/verify-jwt` (docs/contract.md §4) and
 * `POST /api/widget/session`. The response schemas are also the allowlist: `claims` can only
 * ever hold sub, name and email.
 */
export const identityPlugin: FastifyPluginAsync<IdentityDeps> = async (app, { identity, load }) => {
  widgetCors(app, ['/api/widget/verify-jwt', '/api/widget/session']);
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.post(
    '/api/widget/verify-jwt',
    {
      bodyLimit: BODY_LIMIT,
      schema: {
        body: VerifyJwtBody,
        // The contract's bodies, and `config` and `history` where `load` asked for them.
        response: { 200: VerifiedLoadResponse, 401: VerifyFailedLoadResponse, ...errors },
      },
    },
    async (request, reply) => {
      reply.header('Cache-Control', 'no-store');
      if (request.body.load !== undefined) {
        const answer = await verifyForLoad(request.body, request);
        return reply.code(answer.verified ? 200 : 401).send(answer);
      }
      const outcome = await identity.verify(request.body, widgetRequestContext(request));
      if (!outcome.verified) {
        return reply
          .code(401)
          .send({ verified: false, reason: outcome.reason, detail: outcome.detail });
      }
      return outcome;
    },
  );

  /**
   * verify-jwt with `load` (README "HTTP API"): the widget's load when it has a token, in one
   * CORS-simple request (a `text/plain` JSON body, the credential held as `load.session` in place
   * of `Authorization`). The same verification, errors, failure counting and 429; the same 200 or
   * 401 body, plus the bootstrap's `config` and `history`, a refused token's too (the widget
   * carries on anonymous, docs/contract.md §5).
   */
  async function verifyForLoad(
    body: VerifyJwtBody,
    request: FastifyRequest,
  ): Promise<VerifiedLoadResponse | VerifyFailedLoadResponse> {
    const { orgId, botId, token } = body;
    const session = body.load?.session ?? bearerCredential(request);
    const { verified, config, history } = await load(
      { orgId, botId, token, ...(session === undefined ? {} : { session }) },
      { ip: request.ip, origin: request.headers.origin },
    );
    if (verified === undefined) throw new Error('a load with a token always has its verdict');
    return { ...verified, config, ...(history === undefined ? {} : { history }) };
  }

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
