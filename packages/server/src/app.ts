import Fastify, { type FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { registerAuthRoutes } from './accounts/auth-routes.js';
import { registerBotSecretRoutes } from './bots/bot-secret-routes.js';
import { registerChatEventsRoute } from './chat/chat-events-route.js';
import { registerChatRoutes } from './chat/chat-routes.js';
import { createReplyService, type ReplyService } from './chat/reply-service.js';
import { createBuiltinResponder } from './chat/responder/builtin-responder.js';
import { createOpenAiResponder } from './chat/responder/openai-responder.js';
import type { Responder } from './chat/responder/responder.js';
import { registerWidgetRoutes } from './chat/widget-routes.js';
import { registerWidgetScriptRoute } from './chat/widget-script-route.js';
import { registerDemoRoutes } from './demo/demo-routes.js';
import type { DemoIds } from './demo/seed-demo.js';
import { installErrorHandler } from './http/error-handler.js';
import { installJsonBodyParser } from './http/json-body.js';
import { installTransportSecurity } from './http/transport-security.js';
import { installWidgetCors } from './http/widget-cors.js';
import { registerVerifyJwtRoute } from './identity/verify-jwt-route.js';
import { registerInboxRoutes } from './inbox/inbox-routes.js';
import { loggerOptions } from './logger.js';
import type { AppServices } from './services.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Bot replies under way; `drain()` waits for them (shutdown, tests). */
    replies: ReplyService;
  }
}

const QUIET_LEVELS = new Set(['fatal', 'error', 'warn', 'silent']);

export interface AppOptions {
  /** Where logs go; tests pass a stream to search the logs for secrets. */
  readonly logStream?: DestinationStream;
  /** Replaces the configured responder (tests). */
  readonly responder?: Responder;
  /** The demo organization and bot, when `/demo` is to be served. */
  readonly demo?: DemoIds;
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
    // A per-request child logger costs more than the whole token check. Below `info` nothing
    // logs per request, so requests share the app's logger; errors still carry the request id.
    childLoggerFactory: (logger, bindings, childOptions) =>
      QUIET_LEVELS.has(logger.level) ? logger : logger.child(bindings, childOptions),
  });

  installTransportSecurity(app, config.production);
  installJsonBodyParser(app);
  installErrorHandler(app);
  installWidgetCors(app);

  // SPEC §6: the built-in responder answers out of the box, and whenever a model fails.
  const builtin = createBuiltinResponder();
  const responder =
    options.responder ?? (config.llm ? createOpenAiResponder(config.llm, builtin) : builtin);
  const replies = createReplyService({
    db: services.db,
    store: services.store,
    responder,
    followUpResponder: builtin,
    now: services.now,
    log: app.log,
  });
  app.decorate('replies', replies);
  app.addHook('onClose', () => replies.drain());

  registerWidgetScriptRoute(app);
  registerWidgetRoutes(app, services);
  registerVerifyJwtRoute(app, services);
  registerChatRoutes(app, services, replies);
  registerChatEventsRoute(app, services);
  registerAuthRoutes(app, services);
  registerBotSecretRoutes(app, services);
  registerInboxRoutes(app, services);
  if (options.demo) registerDemoRoutes(app, services, options.demo);
  return app;
}
