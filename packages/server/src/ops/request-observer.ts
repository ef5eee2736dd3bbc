import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import { UNMATCHED_ROUTE } from '../logger.js';
import type { Metrics } from './metrics.js';

/**
 * What happens when a response is done (README "Operations"): one log line at `info` with the
 * method, the route pattern, the status and the time taken (the request id is on the line too,
 * as on every line a request logs), and the same in `/metrics`. Fastify's own controller logs
 * two lines a request, and its "not found" line quotes the raw URL, which may hold a token
 * (docs/contract.md §10). It is Fastify's hook for every response, the framework's own errors
 * (a bad URL, a header too large) included.
 */
export class RequestObserver extends LogController {
  constructor(private readonly metrics: Metrics) {
    super();
  }

  /**
   * Every request's id goes back in `X-Request-Id`. Fastify answers its router's errors (a bad
   * URL, a parameter too long) without hooks, so `requestCompleted` would never come for them:
   * they are the requests it makes without route parameters (`params` null), watched here.
   */
  override incomingRequest(request: FastifyRequest, reply: FastifyReply): void {
    reply.header('X-Request-Id', request.id);
    if (request.params !== null) return;
    const started = performance.now();
    reply.raw.once('finish', () =>
      this.completed(undefined, request, reply, performance.now() - started),
    );
  }

  override routeNotFound(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    this.completed(error, request, reply, reply.elapsedTime);
  }

  private completed(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
    ms: number,
  ): void {
    const method = request.method;
    const route = request.routeOptions?.url ?? UNMATCHED_ROUTE;
    const status = reply.statusCode;
    this.metrics.httpRequests.inc({ method, route, status });
    this.metrics.httpSeconds.observe({ method, route }, ms / 1000);
    const line = { req: request, res: reply, responseTime: Math.round(ms * 10) / 10 };
    if (error) reply.log.error({ ...line, err: { type: error.name } }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}
