import Fastify, { type FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { registerAuthRoutes } from './accounts/auth-routes.js';
import { registerBotSecretRoutes } from './bots/bot-secret-routes.js';
import { installErrorHandler } from './http/error-handler.js';
import { installJsonBodyParser } from './http/json-body.js';
import { installTransportSecurity } from './http/transport-security.js';
import { registerVerifyJwtRoute } from './identity/verify-jwt-route.js';
import { loggerOptions } from './logger.js';
import type { AppServices } from './services.js';

export interface AppOptions {
  /** Where logs go; tests pass a stream to search the logs for secrets. */
  readonly logStream?: DestinationStream;
}

/**
 * Builds the HTTP app. It never listens: `serve` does, and tests use `app.inject`.
 */
export async function buildApp(
  services: AppServices,
  options: AppOptions = {},
): Promise<FastifyInstance> {
  const { config } = services;
  const app = Fastify({
    logger: loggerOptions(config.logLevel, options.logStream),
    // SPEC §4: the client IP is the socket's peer, or what a listed proxy reports.
    trustProxy: config.trustedProxies.length > 0 ? [...config.trustedProxies] : false,
    bodyLimit: 64 * 1024,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
  });

  installTransportSecurity(app, config.production);
  installJsonBodyParser(app);
  installErrorHandler(app);
  registerVerifyJwtRoute(app, services);
  registerAuthRoutes(app, services);
  registerBotSecretRoutes(app, services);
  return app;
}
