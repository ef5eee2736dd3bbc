import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { HilalError } from '../errors.js';
import { readCookie, serializeCookie } from '../http/cookies.js';
import type { AppServices } from '../services.js';
import { countPerMinute } from '../store/per-minute-limit.js';
import {
  ADMIN_SESSION_LIFETIME_MS,
  deleteAdminSession,
  issueAdminSession,
} from './admin-sessions.js';
import { verifyPassword } from './password-hash.js';
import { ADMIN_COOKIE, requireAdmin } from './require-admin.js';
import { findUserByEmail } from './users-repository.js';

const LoginBody = Type.Object({
  email: Type.String({ minLength: 3, maxLength: 320 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
});
const LOGIN_FAILURES_PER_MIN = 10;
// Compared against when the email is unknown, so both paths cost one scrypt.
const DUMMY_HASH =
  'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/** Dashboard sign-in with email and password (SPEC §7). */
export function registerAuthRoutes(app: FastifyInstance, services: AppServices): void {
  const { db, now, store, config } = services;

  app.post<{ Body: Static<typeof LoginBody> }>(
    '/api/auth/login',
    { bodyLimit: 4096, schema: { body: LoginBody } },
    async (request, reply) => {
      const { email, password } = request.body;
      const user = await findUserByEmail(db, email);
      const valid = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
      if (user === undefined || !valid) {
        const rate = await countPerMinute(
          store,
          `login-failures:${request.ip}`,
          LOGIN_FAILURES_PER_MIN,
          now(),
        );
        if (rate.limited) {
          throw new HilalError('rate_limited', { 'Retry-After': String(rate.retryAfterS) });
        }
        throw new HilalError('invalid_credentials');
      }
      const credential = await issueAdminSession(
        db,
        { id: user.id, organizationId: user.organization_id },
        now(),
      );
      reply.header(
        'Set-Cookie',
        serializeCookie(ADMIN_COOKIE, credential, {
          maxAgeS: ADMIN_SESSION_LIFETIME_MS / 1000,
          secure: config.production,
        }),
      );
      return {
        user: {
          id: user.id,
          email: user.email,
          role: user.role,
          organizationId: user.organization_id,
        },
      };
    },
  );

  app.post('/api/auth/logout', async (request, reply) => {
    const credential = readCookie(request.headers.cookie, ADMIN_COOKIE);
    if (credential !== undefined) await deleteAdminSession(db, credential);
    reply.header(
      'Set-Cookie',
      serializeCookie(ADMIN_COOKIE, '', { maxAgeS: 0, secure: config.production }),
    );
    return reply.code(204).send();
  });

  app.get('/api/auth/me', async (request) => {
    const admin = await requireAdmin(request, services, ['owner', 'admin', 'agent']);
    return {
      user: {
        id: admin.userId,
        email: admin.email,
        role: admin.role,
        organizationId: admin.organizationId,
      },
    };
  });
}
