import assert from 'node:assert/strict';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Role } from '../../src/db/schema.js';
import type { AppServices } from '../../src/services.js';
import { PASSWORD, seedUser, signIn } from './sign-in.js';

/** A signed-in dashboard user, calling the admin API as the dashboard's client does. */
export interface AdminClient {
  readonly orgId: string;
  readonly email: string;
  readonly cookie: string;
  /** A request with the session cookie and, unless `csrf` is false, `X-Hilal-CSRF: 1`. */
  call(
    method: InjectOptions['method'],
    url: string,
    payload?: unknown,
    options?: { csrf?: boolean; ip?: string },
  ): Promise<LightMyRequestResponse>;
}

/** Seeds a user with `role` (in `orgId`, or a new organization) and signs them in. */
export async function signedInAdmin(
  app: FastifyInstance,
  services: Pick<AppServices, 'db' | 'now'>,
  email: string,
  role: Role,
  orgId?: string,
): Promise<AdminClient> {
  const user = await seedUser(services, email, role, orgId);
  const login = await signIn(app, email, PASSWORD);
  assert.equal(login.statusCode, 200, login.body);
  return adminClient(
    app,
    user.orgId,
    email,
    String(login.headers['set-cookie']).split(';')[0] ?? '',
  );
}

export function adminClient(
  app: FastifyInstance,
  orgId: string,
  email: string,
  cookie: string,
): AdminClient {
  return {
    orgId,
    email,
    cookie,
    call(method, url, payload, options = {}) {
      const headers: Record<string, string> = { cookie };
      if (options.csrf !== false) headers['x-hilal-csrf'] = '1';
      return app.inject({
        method,
        url,
        headers,
        ...(options.ip === undefined ? {} : { remoteAddress: options.ip }),
        ...(payload === undefined ? {} : { payload: payload as InjectOptions['payload'] }),
      });
    },
  };
}
