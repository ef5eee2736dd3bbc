import type { FastifyInstance, InjectOptions } from 'fastify';
import { createOrganization } from '../../src/accounts/organizations-repository.js';
import { hashPassword } from '../../src/accounts/password-hash.js';
import { createUser } from '../../src/accounts/users-repository.js';
import type { Role } from '../../src/db/schema.js';
import type { AppServices } from '../../src/services.js';

export const PASSWORD = 'correct horse battery staple';

/** A user who signs in with `PASSWORD`, in `orgId` or else in an organization of their own. */
export async function seedUser(
  services: Pick<AppServices, 'db' | 'now'>,
  email: string,
  role: Role = 'owner',
  orgId?: string,
): Promise<{ orgId: string; email: string }> {
  const organizationId =
    orgId ?? (await createOrganization(services.db, 'Acme', services.now())).id;
  const passwordHash = await hashPassword(PASSWORD);
  await createUser(services.db, { organizationId, email, passwordHash, role }, services.now());
  return { orgId: organizationId, email };
}

/** POST /api/auth/login as the dashboard sends it (JSON), from `ip`, with extra headers. */
export function signIn(
  app: FastifyInstance,
  email: string,
  password: string,
  options: { ip?: string; headers?: Record<string, string> } = {},
) {
  const request: InjectOptions = {
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password },
    headers: options.headers ?? {},
    remoteAddress: options.ip ?? '127.0.0.1',
  };
  return app.inject(request);
}
