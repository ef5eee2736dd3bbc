import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Store } from '../store/store.js';
import { checkReadiness } from './check-readiness.js';
import { healthRoutes } from './health-routes.js';
import type { Metrics } from './metrics.js';
import type { StreamTracker } from './stream-tracker.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** What `/metrics` serves; `hilal serve` serves it on HILAL_METRICS_PORT. */
    metrics: Metrics;
  }
}

export interface OperationsDeps {
  readonly db: Kysely<Database>;
  readonly store: Store;
  readonly redis: boolean;
  readonly metrics: Metrics;
  readonly tracker: StreamTracker;
  /** Ends the widgets' live streams, so that they reconnect and replay what they missed. */
  readonly endLiveStreams: () => void;
}

/**
 * The operator's side of the app (docs/contract.md §11, README "Operations"): `/healthz` and
 * `/readyz`, open streams counted, and what happens when Redis goes away and comes back. (Request
 * ids and the request log are `request-observer.ts`, which Fastify calls itself.)
 */
export async function installOperations(app: FastifyInstance, deps: OperationsDeps): Promise<void> {
  const { metrics } = deps;
  app.decorate('metrics', metrics);
  app.addHook('onRequest', deps.tracker.onRequest);
  await app.register(healthRoutes, { ready: () => checkReadiness(deps) });

  if (!deps.redis) {
    metrics.registry.removeSingleMetric('hilal_redis_up');
    return;
  }
  metrics.redisUp.set(1);
  deps.store.onAvailability((available) => {
    metrics.redisUp.set(available ? 1 : 0);
    if (!available) {
      app.log.warn(
        'Redis is unreachable: rate limits, stream caps and events are local to this instance until it returns',
      );
      return;
    }
    // Events other instances published meanwhile never arrived; a reconnecting widget replays
    // them from the database (Last-Event-ID).
    app.log.warn('Redis is back: ending live streams so that they replay what they missed');
    deps.endLiveStreams();
  });
}
