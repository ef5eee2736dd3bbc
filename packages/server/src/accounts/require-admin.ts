import type { FastifyRequest } from 'fastify';
import type { Role } from '../db/schema.js';
import { HilalError } from '../errors.js';
import { readCookie } from '../http/cookies.js';
import type { AppServices } from '../services.js';
import { type AdminIdentity, findAdminIdentity } from './admin-sessions.js';

export const ADMIN_COOKIE = 'hilal_admin';

/**
 * The signed-in dashboard user, who must hold one of `roles` (SPEC §7: owner and admin manage
 * chatbot settings, agents work the inbox). Cross-site requests are refused by the SameSite=Strict
 * cookie and by requiring the `X-Hilal-CSRF` header, which a cross-origin page cannot send
 * without a CORS preflight that these routes never grant.
 */
export async function requireAdmin(
  request: FastifyRequest,
  services: AppServices,
  roles: readonly Role[],
): Promise<AdminIdentity> {
  const credential = readCookie(request.headers.cookie, ADMIN_COOKIE);
  const identity =
    credential === undefined
      ? undefined
      : await findAdminIdentity(services.db, credential, services.now());
  if (identity === undefined) throw new HilalError('unauthorized');
  if (request.method !== 'GET' && request.headers['x-hilal-csrf'] !== '1')
    throw new HilalError('forbidden');
  if (!roles.includes(identity.role)) throw new HilalError('forbidden');
  return identity;
}
