import Fastify, { type FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { accountsPlugin } from './accounts/accounts-plugin.js';
import { membersPlugin } from './accounts/members-plugin.js';
import { createMembersService } from './accounts/members-service.js';
import { botsPlugin } from './bots/bots-plugin.js';
import { chatbotsAdminPlugin } from './bots/chatbots-admin-plugin.js';
import { createChatbotsService } from './bots/chatbots-service.js';
import { carryOverToVerified } from './chat/chat-contacts.js';
import { chatPlugin } from './chat/chat-plugin.js';
import { createChatService } from './chat/chat-service.js';
import {
  createLiveStreams,
  DEFAULT_STREAM_LIMITS,
  type LiveStreamLimits,
} from './chat/live-stream.js';
import { createReplyService, type ReplyService } from './chat/reply-service.js';
import { createBuiltinResponder } from './chat/responder/builtin-responder.js';
import { createOpenAiResponder } from './chat/responder/openai-responder.js';
import type { Responder } from './chat/responder/responder.js';
import { loadWidget } from './chat/widget-load.js';
import { dashboardPlugin } from './dashboard/dashboard-plugin.js';
import { demoPlugin } from './demo/demo-plugin.js';
import type { DemoIds } from './demo/seed-demo.js';
import { installErrorHandler } from './http/error-handler.js';
import { clientErrorHandler, frameworkErrors } from './http/framework-errors.js';
import { installJsonBodyParser } from './http/json-body.js';
import { rejectNulCharacters } from './http/reject-nul.js';
import { installTransportSecurity } from './http/transport-security.js';
import { checkToken } from './identity/check-token.js';
import { identityPlugin } from './identity/identity-plugin.js';
import { createIdentityService } from './identity/identity-service.js';
import { inboxPlugin } from './inbox/inbox-plugin.js';
import { createInboxService } from './inbox/inbox-service.js';
import { loggerOptions } from './logger.js';
import { installOperations } from './ops/install-operations.js';
import { createMetrics } from './ops/metrics.js';
import { observeCounters } from './ops/observe-counters.js';
import { observeStore } from './ops/observe-store.js';
import { requestIdFactory } from './ops/request-id.js';
import { RequestObserver } from './ops/request-observer.js';
import { REPLY_GRACE_MS, settleWithin } from './ops/settle-within.js';
import { createStreamTracker } from './ops/stream-tracker.js';
import { timedResponder } from './ops/timed-responder.js';
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
  /** Live-stream limits and timing (tests shorten the periodic check). */
  readonly streams?: Partial<LiveStreamLimits>;
}

/**
 * Builds the HTTP app: the composition root, where each feature's services are made from the
 * shared ones and handed to its plugin as narrow dependencies. It never listens: `serve` does,
 * and tests use `app.inject`.
 */
export async function buildApp(
  services: AppServices,
  options: AppOptions = {},
): Promise<FastifyInstance> {
  const { config, db, now, sessions, signingKeys } = services;
  // README "Operations": what /metrics counts is read off the shared services, not the features.
  const tracker = createStreamTracker();
  const metrics = createMetrics({ liveStreams: tracker.count });
  const store = observeStore(services.store, metrics);
  const counters = observeCounters(services.counters, metrics);
  const app = Fastify({
    logger: loggerOptions(config.logLevel, options.logStream),
    logController: new RequestObserver(metrics),
    genReqId: requestIdFactory(config.trustedProxies),
    // docs/contract.md §4: the client IP is the socket's peer, or what a listed proxy reports.
    trustProxy: config.trustedProxies.length > 0 ? [...config.trustedProxies] : false,
    bodyLimit: 64 * 1024,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
    // A per-request child logger costs more than the whole token check. Below `info` nothing
    // logs per request, so requests share the app's logger; errors still carry the request id.
    childLoggerFactory: (logger, bindings, childOptions) =>
      QUIET_LEVELS.has(logger.level) ? logger : logger.child(bindings, childOptions),
    // docs/contract.md §10: the router's and node's HTTP parser's errors get the error shape too.
    frameworkErrors,
    clientErrorHandler,
  });

  // First, before any route: a plugin keeps the error handler in force when it is registered,
  // and the probes' routes (installOperations) must answer errors in the documented shape too.
  installErrorHandler(app);
  await installOperations(app, {
    db,
    store: services.store,
    redis: config.redisUrl !== undefined,
    metrics,
    tracker,
    endLiveStreams: () => streams.closeAll(),
  });
  installTransportSecurity(app, config.production);
  installJsonBodyParser(app);
  rejectNulCharacters(app);

  // docs/contract.md §6: the built-in responder answers out of the box, and whenever a model fails.
  const builtin = createBuiltinResponder();
  const responder = timedResponder(
    options.responder ?? (config.llm ? createOpenAiResponder(config.llm, builtin) : builtin),
    metrics,
  );
  const replies = createReplyService({
    db,
    dialect: services.dialect,
    store,
    responder,
    followUpResponder: timedResponder(builtin, metrics),
    now,
    log: app.log,
  });
  app.decorate('replies', replies);
  const streams = createLiveStreams({
    db,
    store,
    now,
    sessions,
    signingKeys,
    limits: { ...DEFAULT_STREAM_LIMITS, ...options.streams },
  });
  // Shutdown (README "Operations"): replies under way get a few seconds to finish while the streams
  // that carry them stay open; then the streams end (the widget reconnects elsewhere). Open
  // streams never go idle, so the server could not close before. Replies started by requests
  // still under way then are waited for last.
  app.addHook('preClose', async () => {
    await settleWithin(replies.drain(), REPLY_GRACE_MS);
    streams.closeAll();
  });
  app.addHook('onClose', () => replies.drain());

  const identity = createIdentityService({
    db,
    signingKeys,
    sessions,
    store,
    counters,
    now,
    toleranceS: config.clockToleranceS,
    failuresPerMin: config.verifyFailuresPerMin,
    // A browser that signs in keeps the conversation it had as an anonymous visitor.
    onSignedIn: (browser) => carryOverToVerified(db, browser, now()),
  });
  const chat = createChatService({ db, dialect: services.dialect, store, now, replies, sessions });

  const widgetLoad = { db, sessions, signingKeys, counters, now, chat, identity };
  await app.register(identityPlugin, {
    identity,
    // verify-jwt with `load` answers the widget's load as the bootstrap does (README "HTTP API").
    load: (body, from) => loadWidget(widgetLoad, body, from),
  });
  await app.register(chatPlugin, { ...widgetLoad, streams });
  await app.register(accountsPlugin, { db, store, now, config });
  await app.register(membersPlugin, {
    db,
    now,
    config,
    members: createMembersService({ db, store, now }),
  });
  await app.register(botsPlugin, {
    db,
    now,
    config,
    secrets: services.secrets,
    store,
    checkToken: (orgId, botId, token) =>
      checkToken({ signingKeys, now, toleranceS: config.clockToleranceS }, { orgId, botId, token }),
  });
  await app.register(chatbotsAdminPlugin, {
    db,
    now,
    config,
    chatbots: createChatbotsService({
      db,
      now,
      onSettingsSaved: () => signingKeys.invalidate(),
    }),
  });
  await app.register(inboxPlugin, {
    db,
    now,
    config,
    inbox: createInboxService({ db, dialect: services.dialect, store, now }),
  });
  await app.register(dashboardPlugin, {});
  if (options.demo) await app.register(demoPlugin, { ids: options.demo, signingKeys, now });
  return app;
}
