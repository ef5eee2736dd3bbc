import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AdminUserResponse, ErrorBody, SignInBody } from '@hilal/contract';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Database } from '../db/schema.js';
import { readCookie, serializeCookie } from '../http/cookies.js';
import { acceptJsonOnly } from '../http/json-only.js';
import { assertSameOrigin } from '../http/same-origin.js';
import type { Store } from '../store/store.js';
import { adminAuth } from './admin-auth.js';
import { ADMIN_COOKIE, ADMIN_SESSION_LIFETIME_MS } from './admin-sessions.js';
import { createSignInService } from './sign-in-service.js';
import { ROLES } from './users-repository.js';

export interface AccountsDeps {
  readonly db: Kysely<Database>;
  readonly store: Store;
  readonly now: () => number;
  readonly config: Pick<Config, 'production' | 'publicUrl'>;
}

/**
 * Dashboard accounts (docs/contract.md §7): sign-in, sign-out and who is signed in. The whole scope takes
 * JSON bodies only and refuses state-changing requests from another site (docs/contract.md §10), so that a
 * cross-site form can neither sign a browser in as someone else nor out.
 */
export const accountsPlugin: FastifyPluginAsync<AccountsDeps> = async (app, deps) => {
  const { config } = deps;
  const accounts = createSignInService(deps);
  app.decorateRequest('admin', null as never);
  app.addHook('onRequest', async (request) => assertSameOrigin(request, config.publicUrl));
  acceptJsonOnly(app);
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.post(
    '/api/auth/login',
    {
      bodyLimit: 4096,
      schema: {
        body: SignInBody,
        response: {
          200: AdminUserResponse,
          400: ErrorBody,
          401: ErrorBody,
          403: ErrorBody,
          413: ErrorBody,
          415: ErrorBody,
          429: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const { email, password } = request.body;
      const { credential, user } = await accounts.signIn(email, password, request.ip);
      reply.header(
        'Set-Cookie',
        serializeCookie(ADMIN_COOKIE, credential, {
          maxAgeS: ADMIN_SESSION_LIFETIME_MS / 1000,
          secure: config.production,
        }),
      );
      return { user };
    },
  );

  api.post(
    '/api/auth/logout',
    { bodyLimit: 1024, schema: { response: { 204: Type.Null(), 403: ErrorBody, 415: ErrorBody } } },
    async (request, reply) => {
      const credential = readCookie(request.headers.cookie, ADMIN_COOKIE);
      if (credential !== undefined) await accounts.signOut(credential);
      reply.header(
        'Set-Cookie',
        serializeCookie(ADMIN_COOKIE, '', { maxAgeS: 0, secure: config.production }),
      );
      return reply.code(204).send(null);
    },
  );

  api.get(
    '/api/auth/me',
    {
      preHandler: adminAuth(deps, ROLES),
      schema: { response: { 200: AdminUserResponse, 401: ErrorBody, 403: ErrorBody } },
    },
    async ({ admin }) => ({
      user: {
        id: admin.userId,
        email: admin.email,
        role: admin.role,
        organizationId: admin.organizationId,
      },
    }),
  );
};
