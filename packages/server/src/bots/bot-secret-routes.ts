import type { FastifyInstance } from 'fastify';
import { requireAdmin } from '../accounts/require-admin.js';
import type { AppServices } from '../services.js';

const MANAGERS = ['owner', 'admin'] as const;

/**
 * The Widget Security card's API (SPEC §3, §7): status, Regenerate (the full secret, once),
 * Save, Clear. Always within the signed-in user's organization.
 */
export function registerBotSecretRoutes(app: FastifyInstance, services: AppServices): void {
  const { secrets } = services;
  const base = '/api/admin/bots/:botId/secret';
  type Params = { Params: { botId: string } };

  app.get<Params>(base, async (request) => {
    const admin = await requireAdmin(request, services, MANAGERS);
    return secrets.status(admin.organizationId, request.params.botId);
  });

  app.post<Params>(`${base}/regenerate`, async (request, reply) => {
    const admin = await requireAdmin(request, services, MANAGERS);
    reply.header('Cache-Control', 'no-store');
    return secrets.regenerate(admin.organizationId, request.params.botId, admin.email);
  });

  app.post<Params>(`${base}/save`, async (request) => {
    const admin = await requireAdmin(request, services, MANAGERS);
    return secrets.save(admin.organizationId, request.params.botId, admin.email);
  });

  app.delete<Params>(base, async (request) => {
    const admin = await requireAdmin(request, services, MANAGERS);
    return secrets.clear(admin.organizationId, request.params.botId);
  });
}
