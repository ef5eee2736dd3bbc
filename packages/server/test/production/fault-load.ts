import { readSseEvents } from '../../src/http/sse-parser.js';
import type { SeededBot } from '../support/test-app.js';

/** What the load saw, for the figures the suite prints. */
/** The figures of no load at all: where a load starts counting, and a fault run without one. */
export function noLoad(): LoadFigures {
  return {
    acknowledged: 0,
    unavailable: 0,
    rateLimited: 0,
    otherServerErrors: 0,
    networkErrors: 0,
    streamReconnects: 0,
  };
}

export interface LoadFigures {
  /** Messages the API answered 200 for (each client message id once). */
  acknowledged: number;
  /** Attempts answered 503 `unavailable`. */
  unavailable: number;
  /** Attempts answered 429 (a retry storm past the per-visitor limit). */
  rateLimited: number;
  /** Any other 5xx: must stay 0. */
  otherServerErrors: number;
  /** Attempts that got no HTTP answer (the instance was killed or not listening). */
  networkErrors: number;
  /** Live-stream connections made again after one ended or broke. */
  streamReconnects: number;
}

export interface AcknowledgedMessage {
  readonly clientMessageId: string;
  readonly seq: number;
  readonly widget: number;
  /** Whether the answer said `duplicate` (an earlier attempt had been stored already). */
  readonly duplicate: boolean;
  /** The attempts it took. */
  readonly attempts: number;
}

export interface WidgetLoad {
  readonly figures: LoadFigures;
  readonly acknowledged: AcknowledgedMessage[];
  /** When each acknowledgement arrived (epoch ms), in order. */
  readonly acknowledgedAt: number[];
  /** Acknowledged messages whose widget's live stream has not delivered them (yet). */
  missingOnStreams(): AcknowledgedMessage[];
  /** Stops sending new messages; resolves once those under way are acknowledged. */
  stopSending(): Promise<void>;
  /** Closes the live streams. */
  close(): Promise<void>;
}

export interface LoadOptions {
  readonly bot: SeededBot;
  /** The instances now reachable; any request may go to any of them, as behind a proxy. */
  readonly instances: () => readonly string[];
  readonly widgets: number;
  /** Time between one widget's messages; under docs/contract.md §10's 30 a minute with retries. */
  readonly paceMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const backoff = (attempt: number) => Math.min(2000, 100 * 2 ** attempt) * (0.5 + Math.random() / 2);

/**
 * Widgets as chat_v3.js behaves (docs/widget-api.md): an anonymous session each, a live stream
 * that reconnects with `Last-Event-ID` whenever it ends or breaks, and messages sent one at a
 * time, each retried under its own client message id until the API acknowledges it (a 503, a
 * 429 or no answer at all is retried, on whichever instance answers).
 */
export async function startWidgetLoad(options: LoadOptions): Promise<WidgetLoad> {
  const figures = noLoad();
  const acknowledged: AcknowledgedMessage[] = [];
  const acknowledgedAt: number[] = [];
  const seen = Array.from({ length: options.widgets }, () => new Set<string>());
  let stopping = false;
  let closing = false;
  let pick = 0;
  const instance = () => {
    const urls = options.instances();
    pick += 1;
    return urls[pick % urls.length] ?? '';
  };

  /** One call, retried like the widget retries (network errors, 503, 429) until it is answered. */
  async function call(path: string, init: RequestInit, tries = { count: 0 }): Promise<Response> {
    for (let attempt = 0; ; attempt += 1) {
      tries.count += 1;
      let res: Response;
      try {
        res = await fetch(`${instance()}${path}`, init);
      } catch {
        figures.networkErrors += 1;
        await sleep(backoff(attempt));
        continue;
      }
      if (res.status === 503) figures.unavailable += 1;
      else if (res.status === 429) figures.rateLimited += 1;
      else if (res.status >= 500) figures.otherServerErrors += 1;
      else return res;
      const retryAfterS = Number(res.headers.get('retry-after'));
      await res.arrayBuffer();
      await sleep(res.status === 429 && retryAfterS > 0 ? retryAfterS * 1000 : backoff(attempt));
    }
  }

  const sessions = await Promise.all(
    Array.from({ length: options.widgets }, async () => {
      const res = await call('/api/widget/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ orgId: options.bot.orgId, botId: options.bot.botId }),
      });
      return ((await res.json()) as { session: string }).session;
    }),
  );

  // As chat_v3.js does on a new conversation: the first message is sent before the stream
  // opens, which then resumes after it (a fresh stream has no seq to replay from, so whatever
  // is published before it subscribes would be missed).
  const firstSeqs = sessions.map(() => {
    let resolve: (seq: number) => void = () => {};
    const promise = new Promise<number>((done) => {
      resolve = done;
    });
    return { promise, resolve };
  });

  const aborters = new Set<AbortController>();
  async function stream(widget: number, session: string): Promise<void> {
    let lastSeq = await (firstSeqs[widget]?.promise ?? 0);
    for (let attempt = 0; !closing; attempt += 1) {
      const aborter = new AbortController();
      aborters.add(aborter);
      try {
        const res = await fetch(`${instance()}/api/chat/events`, {
          headers: {
            authorization: `Bearer ${session}`,
            ...(lastSeq > 0 ? { 'last-event-id': String(lastSeq) } : {}),
          },
          signal: aborter.signal,
        });
        if (res.status === 200 && res.body) {
          attempt = 0;
          for await (const event of readSseEvents(res.body)) {
            if (event.event !== 'message') continue;
            const message = JSON.parse(event.data) as {
              seq: number;
              clientMessageId: string | null;
            };
            lastSeq = Math.max(lastSeq, message.seq);
            if (message.clientMessageId) seen[widget]?.add(message.clientMessageId);
          }
        } else {
          await res.arrayBuffer();
        }
      } catch {
        // broken (a killed instance) or aborted (stop)
      } finally {
        aborters.delete(aborter);
      }
      if (closing) return;
      figures.streamReconnects += 1;
      await sleep(backoff(attempt));
    }
  }

  async function send(widget: number, session: string): Promise<void> {
    for (let n = 1; !stopping; n += 1) {
      const clientMessageId = `w${widget}-${n}-${Math.random().toString(36).slice(2, 8)}`;
      const tries = { count: 0 };
      const res = await call(
        '/api/chat/messages',
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${session}`,
            'x-hilal-identity-source': 'anonymous',
          },
          body: JSON.stringify({ clientMessageId, text: `message ${n} of widget ${widget}` }),
        },
        tries,
      );
      if (res.status === 200) {
        const { message, duplicate } = (await res.json()) as {
          message: { seq: number };
          duplicate: boolean;
        };
        figures.acknowledged += 1;
        acknowledged.push({
          clientMessageId,
          seq: message.seq,
          widget,
          duplicate,
          attempts: tries.count,
        });
        acknowledgedAt.push(Date.now());
        if (n === 1) {
          seen[widget]?.add(clientMessageId); // shown from the answer, as the widget does
          firstSeqs[widget]?.resolve(message.seq);
        }
      } else {
        await res.arrayBuffer();
      }
      await sleep(options.paceMs * (0.75 + Math.random() / 2));
    }
  }

  const streams = sessions.map((session, widget) => stream(widget, session));
  const senders = sessions.map((session, widget) => send(widget, session));
  return {
    figures,
    acknowledged,
    acknowledgedAt,
    missingOnStreams: () =>
      acknowledged.filter((message) => !seen[message.widget]?.has(message.clientMessageId)),
    async stopSending() {
      stopping = true;
      await Promise.all(senders);
    },
    async close() {
      stopping = true;
      closing = true;
      for (const first of firstSeqs) first.resolve(0);
      await Promise.all(senders);
      for (const aborter of aborters) aborter.abort();
      await Promise.all(streams);
    },
  };
}
