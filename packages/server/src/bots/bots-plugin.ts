import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ErrorBody } from '@hilal/contract';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { type AdminAuthDeps, adminAuth } from '../accounts/admin-auth.js';
import type { WidgetSecretService } from './widget-secret-service.js';

export interface BotsDeps extends AdminAuthDeps {
  readonly secrets: WidgetSecretService;
}

const closed = { additionalProperties: false } as const;
const BotParams = Type.Object({ botId: Type.String({ maxLength: 64 }) });
// No secret in here: a GET can never return one (the schema drops anything not listed).
const SecretStatus = Type.Object(
  {
    state: Type.Union([
      Type.Literal('own'),
      Type.Literal('environment'),
      Type.Literal('not_configured'),
    ]),
    preview: Type.Union([Type.String(), Type.Null()]),
    rotatedAt: Type.Union([Type.Integer(), Type.Null()]),
    rotatedBy: Type.Union([Type.String(), Type.Null()]),
    pending: Type.Boolean(),
    pendingPreview: Type.Union([Type.String(), Type.Null()]),
    pendingExpiresAt: Type.Union([Type.Integer(), Type.Null()]),
  },
  closed,
);
/** The one response that ever holds a secret: Regenerate's, shown once. */
const GeneratedSecret = Type.Object({ secret: Type.String(), preview: Type.String() }, closed);
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

/**
 * The Widget Security card's API (docs/contract.md §3, §7): status, Regenerate (the full secret, once),
 * Save, Cancel, Clear. Owners and admins only, always within the signed-in user's organization.
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
    (request) => secrets.cancel(request.admin.organizationId, request.params.botId),
  );

  api.delete(
    base,
    { schema: { params: BotParams, response: { 200: SecretStatus, ...errors } } },
    (request) => secrets.clear(request.admin.organizationId, request.params.botId),
  );
};
