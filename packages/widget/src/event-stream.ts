// The live event stream (docs/widget-api.md `POST /api/chat/events`), read with fetch so the
// credential travels in the body, not a URL. It reconnects with backoff for as long as it is
// started and resumes after the last seq held, so a flaky network loses no event.
import { HttpError } from './api-client.js';
import { backoffDelay } from './backoff.js';
import { type SseEvent, SseParser } from './sse-parser.js';
import type { Sleep } from './waker.js';

export interface EventStreamOptions {
  readonly connect: (lastEventId: string | undefined, signal: AbortSignal) => Promise<Response>;
  /** Read at every (re)connect: the seq of the last message the widget holds. */
  readonly lastEventId: () => string | undefined;
  readonly onEvent: (event: SseEvent) => void;
  readonly onStatus: (connected: boolean) => void;
  /** The session is gone (401): the stream stops until it is started again. */
  readonly onUnauthorized: () => void;
  /**
   * The server refused this session the stream (403, e.g. `identity_required`): retrying cannot
   * change that, so the stream stops until it is started again.
   */
  readonly onRefused: (code: string | undefined) => void;
  readonly sleep: Sleep;
  /** The server pings every 15 s; a stream silent for longer than this is presumed dead. */
  readonly idleTimeoutMs?: number;
  readonly random?: () => number;
}

export interface EventStream {
  start(): void;
  stop(): void;
}

export function createEventStream(options: EventStreamOptions): EventStream {
  const idleTimeoutMs = options.idleTimeoutMs ?? 45_000;
  let generation = 0;
  let controller: AbortController | undefined;

  async function run(current: number): Promise<void> {
    const live = () => current === generation;
    for (let attempt = 0; live(); ) {
      const aborter = new AbortController();
      controller = aborter;
      let idle: ReturnType<typeof setTimeout> | undefined;
      // A half-open TCP connection never errors: only silence gives it away.
      const arm = () => {
        clearTimeout(idle);
        idle = setTimeout(() => aborter.abort(), idleTimeoutMs);
      };
      let retryAfter: number | undefined;
      try {
        arm();
        const response = await options.connect(options.lastEventId(), aborter.signal);
        const reader = response.body?.getReader();
        if (!reader) throw new Error('no body');
        if (live()) options.onStatus(true);
        const decoder = new TextDecoder();
        const parser = new SseParser();
        for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
          arm();
          attempt = 0;
          for (const event of parser.push(decoder.decode(chunk.value, { stream: true }))) {
            if (live()) options.onEvent(event);
          }
        }
      } catch (error) {
        if (live() && error instanceof HttpError) {
          if (error.status === 401) {
            stop();
            options.onUnauthorized();
            return;
          }
          if (error.status === 403) {
            stop();
            options.onRefused(error.code);
            return;
          }
          retryAfter = error.retryAfterMs;
        }
      } finally {
        clearTimeout(idle);
        aborter.abort();
      }
      if (!live()) return;
      options.onStatus(false);
      const random = options.random ?? Math.random;
      await options.sleep(retryAfter ?? backoffDelay(attempt++, { random }));
    }
  }

  function stop(): void {
    generation++;
    controller?.abort();
    controller = undefined;
  }

  return {
    start() {
      stop();
      void run(generation);
    },
    stop() {
      if (controller) options.onStatus(false);
      stop();
    },
  };
}
