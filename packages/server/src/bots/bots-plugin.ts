import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  CheckTokenBody,
  ErrorBody,
  GeneratedSecret,
  SecretStatus,
  TokenCheck,
  WidgetSecurity,
} from '@hilal/contract';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { type AdminAuthDeps, adminAuth } from '../accounts/admin-auth.js';
import { HilalError } from '../errors.js';
import type { TokenCheck as TokenCheckResult } from '../identity/check-token.js';
import { countPerMinute } from '../store/per-minute-limit.js';
import type { Store } from '../store/store.js';
import type { WidgetSecretService } from './widget-secret-service.js';
import { widgetSecurityOverview } from './widget-security-overview.js';

export interface BotsDeps extends AdminAuthDeps {
  readonly secrets: WidgetSecretService;
  readonly store: Store;
  /** "Check a token" (identity/check-token.ts): reads the token, stores and logs nothing. */
  readonly checkToken: (orgId: string, botId: string, token: string) => Promise<TokenCheckResult>;
}

const BotParams = Type.Object({ botId: Type.String({ maxLength: 64 }) });
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
// "Check a token" is for a person pasting tokens, not for a script probing a bot's secret: a
// signed-in user gets this many checks a minute, counted across instances.
const CHECKS_PER_MINUTE = 30;

/**
 * The Widget Security card's API (docs/contract.md §3, §7): status, Regenerate (the full secret, once),
 * Save, Cancel, Clear, the card's overview (outcomes, recent failures, audit log) and "Check a
 * token". Response schemas are closed: no GET can return a secret, no answer a pasted token. Owners and admins only, always within the signed-in user's organization.
 */
export const botsPlugin: FastifyPluginAsync<BotsDeps> = async (app, deps) => {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.addHook('preHandler', adminAuth(deps, ['owner', 'admin']));
  const { secrets } = deps;
  const base = '/api/admin/bots/:botId/secret';

  api.get(
    base,
    { schema: { params: BotParams, response: { 200: SecretStatus, ...errors } } },
    (request) => secrets.status(request.admin.organizationId, request.params.botId),
  );

  api.post(
    `${base}/regenerate`,
    { schema: { params: BotParams, response: { 200: GeneratedSecret, ...errors } } },
    (request, reply) => {
      reply.header('Cache-Control', 'no-store');
      return secrets.regenerate(
        request.admin.organizationId,
        request.params.botId,
        request.admin.email,
      );
    },
  );

  api.post(
    `${base}/save`,
    { schema: { params: BotParams, response: { 200: SecretStatus, ...errors } } },
    (request) =>
      secrets.save(request.admin.organizationId, request.params.botId, request.admin.email),
  );

  api.post(
    `${base}/cancel`,
    { schema: { params: BotParams, response: { 200: SecretStatus, ...errors } } },
    (request) =>
      secrets.cancel(request.admin.organizationId, request.params.botId, request.admin.email),
  );

  api.delete(
    base,
    { schema: { params: BotParams, response: { 200: SecretStatus, ...errors } } },
    (request) =>
      secrets.clear(request.admin.organizationId, request.params.botId, request.admin.email),
  );

  api.get(
    '/api/admin/bots/:botId/security',
    { schema: { params: BotParams, response: { 200: WidgetSecurity, ...errors } } },
    (request) => widgetSecurityOverview(deps, request.admin.organizationId, request.params.botId),
  );

  api.post(
    `${base}/check`,
    {
      bodyLimit: 32 * 1024,
      schema: {
        params: BotParams,
        body: CheckTokenBody,
        response: { 200: TokenCheck, ...errors, 429: ErrorBody },
      },
    },
    async (request, reply) => {
      const key = `token-check:${request.admin.userId}`;
      const limit = await countPerMinute(deps.store, key, CHECKS_PER_MINUTE, deps.now());
      if (limit.limited)
        throw new HilalError('rate_limited', { 'Retry-After': String(limit.retryAfterS) });
      reply.header('Cache-Control', 'no-store');
      return deps.checkToken(
        request.admin.organizationId,
        request.params.botId,
        request.body.token,
      );
    },
  );
};
