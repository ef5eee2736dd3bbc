import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * What `/metrics` serves (docs/contract.md §11; each metric's meaning is in the README,
 * "Operations"). One registry per app, so that tests build as many apps as they like. Labels hold
 * closed sets only (reasons, route patterns, status codes), never a URL, an id or a claim.
 */
export interface Metrics {
  readonly registry: Registry;
  /** `outcome`: `verified` or a failure reason of docs/contract.md §4. */
  readonly verifications: Counter<'outcome'>;
  readonly longLivedTokens: Counter;
  readonly identityMismatches: Counter;
  /** `author`: visitor, bot or agent. */
  readonly messages: Counter<'author'>;
  /** `outcome`: `ok`, or `error` when the responder failed. */
  readonly replySeconds: Histogram<'outcome'>;
  /** `stream`: `chat` (widgets) or `inbox` (dashboards). */
  readonly liveStreams: Gauge<'stream'>;
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpSeconds: Histogram<'method' | 'route'>;
  /** 1 while Redis answers, 0 while the instance runs on its local fallback. */
  readonly redisUp: Gauge;
}

export interface MetricSources {
  /** Open live streams by kind, read at each scrape (see `stream-tracker.ts`). */
  readonly liveStreams?: () => Record<string, number>;
}

export function createMetrics(sources: MetricSources = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    verifications: new Counter({
      name: 'hilal_verifications_total',
      help: 'Widget token verifications (verify-jwt, and the widget bootstrap with a token) by outcome: verified or the reason it failed.',
      labelNames: ['outcome'],
      registers,
    }),
    longLivedTokens: new Counter({
      name: 'hilal_long_lived_tokens_total',
      help: 'Verified tokens whose lifetime is longer than recommended.',
      registers,
    }),
    identityMismatches: new Counter({
      name: 'hilal_identity_mismatches_total',
      help: 'Chat requests whose X-Hilal-Identity-Source disagreed with what the server decided.',
      registers,
    }),
    messages: new Counter({
      name: 'hilal_messages_total',
      help: 'Messages stored by this instance, by author.',
      labelNames: ['author'],
      registers,
    }),
    replySeconds: new Histogram({
      name: 'hilal_reply_duration_seconds',
      help: 'Time the responder (built-in or model) took to write a bot reply.',
      labelNames: ['outcome'],
      buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 60],
      registers,
    }),
    liveStreams: new Gauge({
      name: 'hilal_live_streams',
      help: 'Live event streams open on this instance: chat (widgets) and inbox (dashboards).',
      labelNames: ['stream'],
      registers,
      collect() {
        for (const [stream, open] of Object.entries(sources.liveStreams?.() ?? {})) {
          this.set({ stream }, open);
        }
      },
    }),
    httpRequests: new Counter({
      name: 'hilal_http_requests_total',
      help: 'HTTP responses by method, route pattern and status code.',
      labelNames: ['method', 'route', 'status'],
      registers,
    }),
    httpSeconds: new Histogram({
      name: 'hilal_http_request_duration_seconds',
      help: 'Time from a request to its response, by method and route pattern.',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    redisUp: new Gauge({
      name: 'hilal_redis_up',
      help: '1 while Redis answers; 0 while this instance serves with its local fallback (README "Operations"). Absent without REDIS_URL.',
      registers,
    }),
  };
}
