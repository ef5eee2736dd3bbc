import type { FastifyInstance } from 'fastify';
import { errorBody } from '../errors.js';

/**
 * docs/contract.md §8: with NODE_ENV=production, plain-HTTP requests are refused unless a trusted proxy
 * says `X-Forwarded-Proto: https` (Fastify reads that header only from `trustProxy` addresses),
 * and every response carries HSTS.
 */
export function installTransportSecurity(app: FastifyInstance, production: boolean): void {
  // Callback-style hooks: they run on every request, and an async hook costs a promise each.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    if (production) {
      reply.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
      // Health probes reach an instance directly, without TLS (`ops/health-routes.ts`).
      if (request.protocol !== 'https' && request.routeOptions.config?.plainHttp !== true) {
        reply.code(403).send(errorBody('https_required'));
        return;
      }
    }
    done();
  });
}
