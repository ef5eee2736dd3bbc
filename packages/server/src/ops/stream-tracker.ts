import type { ServerResponse } from 'node:http';
import type { onRequestHookHandler } from 'fastify';

/** The live streams' routes, and the name `hilal_live_streams` gives each. */
const STREAM_ROUTES: Readonly<Record<string, string>> = {
  '/api/chat/events': 'chat',
  '/api/admin/events': 'inbox',
};

export interface StreamTracker {
  /** An `onRequest` hook that notices each request to a stream route. */
  readonly onRequest: onRequestHookHandler;
  /** How many streams of each kind are open now: answered 200 and not yet closed. */
  count(): Record<string, number>;
}

/**
 * Counts open live streams from the outside: the stream routes take their responses over
 * (`reply.hijack()`), so no response hook sees them; their responses are watched instead until
 * they close. Whatever was refused (401, 429) is not counted.
 */
export function createStreamTracker(): StreamTracker {
  const watched = new Map<ServerResponse, string>();
  return {
    onRequest(request, reply, done) {
      const stream = STREAM_ROUTES[request.routeOptions.url ?? ''];
      if (stream !== undefined) {
        const raw = reply.raw;
        watched.set(raw, stream);
        raw.once('close', () => watched.delete(raw));
      }
      done();
    },
    count() {
      const counts: Record<string, number> = Object.fromEntries(
        Object.values(STREAM_ROUTES).map((stream) => [stream, 0]),
      );
      for (const [raw, stream] of watched) {
        if (raw.headersSent && raw.statusCode === 200 && !raw.writableEnded) {
          counts[stream] = (counts[stream] ?? 0) + 1;
        }
      }
      return counts;
    },
  };
}
