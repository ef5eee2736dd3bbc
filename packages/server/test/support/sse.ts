import assert from 'node:assert/strict';
import { readSseEvents, type SseEvent } from '../../src/http/sse-parser.js';

export type { SseEvent };

/**
 * Opens the live stream as the widget does (fetch, credential in a header) and collects events,
 * read with the server's own event-stream parser. `headers` adds to (or overrides) the defaults.
 */
export async function openStream(
  baseUrl: string,
  session: string,
  lastEventId?: number,
  headers: Record<string, string> = {},
) {
  const controller = new AbortController();
  const res = await fetch(`${baseUrl}/api/chat/events`, {
    headers: {
      authorization: `Bearer ${session}`,
      accept: 'text/event-stream',
      ...(lastEventId ? { 'last-event-id': String(lastEventId) } : {}),
      ...headers,
    },
    signal: controller.signal,
  });
  return collectEvents(res, controller);
}

/**
 * Opens the live stream as the widget's first load does: `POST /api/chat/events`, a CORS-simple
 * request with the credential, belief and resume point in a `text/plain` body.
 */
export async function openSimpleStream(
  baseUrl: string,
  body: { session: string; identity?: string; lastEventId?: string },
  headers: Record<string, string> = {},
) {
  const controller = new AbortController();
  const res = await fetch(`${baseUrl}/api/chat/events`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain;charset=UTF-8', ...headers },
    body: JSON.stringify(body),
    signal: controller.signal,
  });
  return collectEvents(res, controller);
}

/** The events of an opened stream, collected as they arrive; `controller` aborts its fetch. */
function collectEvents(res: Response, controller: AbortController) {
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
  const body = res.body;
  assert.ok(body);
  const events: SseEvent[] = [];
  const waiters: Array<() => void> = [];
  let markEnded = () => {};
  const ended = new Promise<void>((resolve) => {
    markEnded = resolve;
  });
  void (async () => {
    try {
      for await (const event of readSseEvents(body)) {
        events.push(event);
        for (const wake of waiters.splice(0)) wake();
      }
    } catch {
      // aborted
    } finally {
      markEnded();
    }
  })();
  return {
    /** The response's headers (`X-Hilal-Identity-Source`: what the server decided). */
    headers: res.headers,
    events,
    /** Resolves once an event matching `predicate` has arrived. */
    async waitFor(predicate: (event: SseEvent) => boolean): Promise<SseEvent> {
      for (;;) {
        const found = events.find(predicate);
        if (found) return found;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    /** Resolves when the server has ended the stream (or it was closed here). */
    ended,
    close: () => controller.abort(),
  };
}
