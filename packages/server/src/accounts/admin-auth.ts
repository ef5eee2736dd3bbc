import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Database, Role } from '../db/schema.js';
import { HilalError } from '../errors.js';
import { readCookie } from '../http/cookies.js';
import { assertSameOrigin } from '../http/same-origin.js';
import { ADMIN_COOKIE, type AdminIdentity, findAdminIdentity } from './admin-sessions.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in dashboard user, on the routes `adminAuth` guards. */
    admin: AdminIdentity;
  }
}

export interface AdminAuthDeps {
  readonly db: Kysely<Database>;
  readonly now: () => number;
  /** Its `publicUrl` is the server's own origin; without it, the origin the request was sent to. */
  readonly config?: Pick<Config, 'publicUrl'>;
}

/**
 * A preHandler that admits the signed-in dashboard user holding one of `roles` (docs/contract.md §7: owners
 * and admins manage chatbots, every role works the inbox) and sets `request.admin`. It refuses,
 * in this order: a state-changing request from a foreign `Origin` (403 `foreign_origin`), no
 * valid `hilal_admin` session (401 `unauthorized`), a non-GET request without `X-Hilal-CSRF: 1`
 * (403 `forbidden`: a cross-origin page cannot send that header without a CORS preflight, which
 * these routes never grant) and a role not in `roles` (403 `forbidden`).
 *
 * @example
 * // in a feature plugin, for its whole scope:
 * app.addHook('preHandler', adminAuth(deps, ['owner', 'admin']));
 * // or for one route:
 * api.get('/api/admin/…', { preHandler: adminAuth(deps, ['owner']) }, (request) => request.admin);
 */
export function adminAuth(deps: AdminAuthDeps, roles: readonly Role[]): preHandlerAsyncHookHandler {
  if (roles.length === 0) throw new TypeError('adminAuth needs at least one role');
  return async (request) => {
    request.admin = await authenticateAdmin(request, deps, roles);
  };
}

async function authenticateAdmin(
  request: FastifyRequest,
  deps: AdminAuthDeps,
  roles: readonly Role[],
): Promise<AdminIdentity> {
  assertSameOrigin(request, deps.config?.publicUrl);
  const credential = readCookie(request.headers.cookie, ADMIN_COOKIE);
  const identity =
    credential === undefined ? undefined : await findAdminIdentity(deps.db, credential, deps.now());
  if (identity === undefined) throw new HilalError('unauthorized');
  if (request.method !== 'GET' && request.headers['x-hilal-csrf'] !== '1') {
    throw new HilalError('forbidden');
  }
  if (!roles.includes(identity.role)) throw new HilalError('forbidden');
  return identity;
}
