import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';

const Status = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
});

export interface HealthDeps {
  /** Whether the database and Redis answer (`check-readiness.ts`). */
  readonly ready: () => Promise<boolean>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Served over plain HTTP even in production (`transport-security.ts`). */
    readonly plainHttp?: boolean;
  }
}

/**
 * docs/contract.md §11: `GET /healthz` (the process is up) and `GET /readyz` (the database and
 * Redis answer; 503 otherwise), without authentication and with a status word only. Probes talk
 * to an instance directly, without TLS, so both answer plain HTTP in production too: they carry
 * no credential and say nothing but the word.
 */
export const healthRoutes: FastifyPluginAsync<HealthDeps> = async (app, deps) => {
  const options = {
    config: { plainHttp: true },
    schema: { response: { 200: Status, 503: Status } },
  };
  app.get('/healthz', options, async (_request, reply) => {
    reply.header('Cache-Control', 'no-store');
    return { status: 'ok' as const };
  });
  app.get('/readyz', options, async (_request, reply) => {
    reply.header('Cache-Control', 'no-store');
    if (await deps.ready()) return { status: 'ok' as const };
    return reply.code(503).send({ status: 'unavailable' as const });
  });
};
