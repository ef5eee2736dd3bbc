// Every request a page makes and the response it gets, recorded with `page.on('request')` and
// `page.on('response')`, to assert on URLs, methods, headers, statuses and bodies.
import assert from 'node:assert/strict';
import type { Page, Request, Response } from 'playwright-core';
import type { IdentitySource } from './page-globals.js';

/** Generous: the CI machine has two cores, and Chromium shares them with the server. */
export const WAIT_MS = 30_000;

/**
 * What a test reads of an answer about an identity: a whole response, or its part of the load's
 * bootstrap (`text()` is then the whole bootstrap response, `status()` what the part's own route
 * would have answered), or of the load's verify-jwt (`json()` then without the `config` and
 * `history` that `load` added, `text()` the whole response).
 */
export type Answer = Pick<Response, 'status' | 'json' | 'text' | 'request'>;

/** One request the page made, and its response once it came. */
export interface Exchange {
  readonly request: Request;
  readonly url: URL;
  readonly method: string;
  response: Response | undefined;
}

/** What one chat API request said about its identity, and what the server answered. */
export interface IdentityHeaders {
  readonly call: string;
  readonly sent: string | undefined;
  readonly decided: string | undefined;
}

/**
 * The chat calls every conversation makes: listen to it, send to it. (Its history comes with the
 * load, `POST /api/widget/bootstrap` or verify-jwt with `load`, or from `GET /api/chat/history` on
 * a later switch.)
 */
const ANSWERED = ['POST /api/chat/events', 'POST /api/chat/messages'];

export class NetworkLog {
  readonly exchanges: Exchange[] = [];
  readonly #byRequest = new Map<Request, Exchange>();
  readonly #waiters = new Set<() => void>();

  constructor(
    private readonly page: Page,
    /** The Hilal server's origin. */
    readonly hilalUrl: string,
  ) {
    page.on('request', (request) => {
      const exchange: Exchange = {
        request,
        url: new URL(request.url()),
        method: request.method(),
        response: undefined,
      };
      this.exchanges.push(exchange);
      this.#byRequest.set(request, exchange);
    });
    page.on('response', (response) => {
      const exchange = this.#byRequest.get(response.request());
      if (exchange) exchange.response = response;
      for (const wake of this.#waiters) wake();
    });
  }

  /** Requests to the Hilal server's `path` (a path, or a path prefix ending in `/`). */
  calls(path: string, method?: string): Exchange[] {
    return this.exchanges.filter(
      (exchange) =>
        exchange.url.origin === this.hilalUrl &&
        (path.endsWith('/')
          ? exchange.url.pathname.startsWith(path)
          : exchange.url.pathname === path) &&
        exchange.method !== 'OPTIONS' &&
        (method === undefined || exchange.method === method),
    );
  }

  /** The `nth` (0-based) response to `method path`, waiting for it if it has not come yet. */
  response(method: string, path: string, nth = 0): Promise<Response> {
    return this.#nthResponse(() => this.calls(path, method), nth, `${method} ${path}`);
  }

  /**
   * The `nth` answer about a token: `POST /api/widget/verify-jwt`'s (the load's without what
   * `load` added), or the `verified` part of a `POST /api/widget/bootstrap` that carried one, as
   * verify-jwt would have sent it.
   */
  verification(nth = 0): Promise<Answer> {
    return this.#answer(nth, '/api/widget/verify-jwt', 'verified');
  }

  /** The `nth` session started: `POST /api/widget/session`, or the bootstrap's `started`. */
  sessionStart(nth = 0): Promise<Answer> {
    return this.#answer(nth, '/api/widget/session', 'started');
  }

  /** The requests that verify a token: verify-jwt, and a bootstrap with a `token`. */
  verifications(): Exchange[] {
    return this.#asking('/api/widget/verify-jwt');
  }

  #asking(route: string): Exchange[] {
    const asked = route === '/api/widget/verify-jwt' ? 'token' : 'start';
    return this.calls('/api/widget/').filter(
      (exchange) =>
        exchange.method === 'POST' &&
        (exchange.url.pathname === route ||
          (exchange.url.pathname === '/api/widget/bootstrap' &&
            bodyValue(exchange.request, asked) !== undefined)),
    );
  }

  async #answer(nth: number, route: string, part: string): Promise<Answer> {
    const what = `${route} or its bootstrap`;
    const response = await this.#nthResponse(() => this.#asking(route), nth, what);
    if (new URL(response.url()).pathname === route) {
      if (bodyValue(response.request(), 'load') === undefined) return response;
      return {
        status: () => response.status(),
        json: async () => {
          const { config, history, ...answer } = await response.json();
          return answer;
        },
        text: () => response.text(),
        request: () => response.request(),
      };
    }
    const text = await response.text();
    const body: unknown = response.ok() ? Reflect.get(JSON.parse(text), part) : undefined;
    const status = !response.ok()
      ? response.status()
      : part === 'verified' && Reflect.get(Object(body), 'verified') !== true
        ? 401
        : 200;
    return {
      status: () => status,
      json: async () => body,
      text: async () => text,
      request: () => response.request(),
    };
  }

  async #nthResponse(exchanges: () => Exchange[], nth: number, what: string): Promise<Response> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const response = exchanges()
        .map((exchange) => exchange.response)
        .filter((found) => found !== undefined)[nth];
      if (response) return response;
      const left = deadline - Date.now();
      assert.ok(left > 0, `no response #${nth + 1} to ${what} within ${WAIT_MS} ms`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.#waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.#waiters.add(wake);
      });
    }
  }

  /** The first response to `method path` whose request carried `credential`. */
  async responseFor(method: string, path: string, credential: string): Promise<Response> {
    for (let nth = 0; ; nth++) {
      const response = await this.response(method, path, nth);
      if ((await credentialOf(response.request())) === credential) return response;
    }
  }

  /** The identity header of every chat API request so far, sent and answered. */
  async identityHeaders(from = 0): Promise<IdentityHeaders[]> {
    return Promise.all(
      this.calls('/api/chat/')
        .filter((exchange) => this.exchanges.indexOf(exchange) >= from)
        .map(async (exchange) => ({
          call: `${exchange.method} ${exchange.url.pathname}`,
          sent:
            (await exchange.request.allHeaders())['x-hilal-identity-source'] ??
            bodyField(exchange.request, 'identity'),
          decided: exchange.response
            ? (await exchange.response.allHeaders())['x-hilal-identity-source']
            : undefined,
        })),
    );
  }

  /**
   * Asserts that every chat API request (from exchange number `from` on) said `source`, and
   * every answer that came said it too; and that `answered` calls are among them, answered.
   * Returns what was checked, for further assertions.
   */
  async assertIdentityHeaders(
    source: IdentitySource,
    { from = 0, answered = ANSWERED }: { from?: number; answered?: readonly string[] } = {},
  ): Promise<IdentityHeaders[]> {
    const headers = await this.identityHeaders(from);
    assert.ok(headers.length > 0, 'the widget made chat API requests');
    for (const header of headers) {
      assert.equal(header.sent, source, `request header of ${header.call}`);
      if (header.decided !== undefined) {
        assert.equal(header.decided, source, `response header of ${header.call}`);
      }
    }
    for (const call of answered) {
      assert.ok(
        headers.some((header) => header.call === call && header.decided === source),
        `${call} was answered with ${source}: ${JSON.stringify(headers)}`,
      );
    }
    return headers;
  }

  /** docs/contract.md §5 / docs/widget-api.md: no token or credential ever travels in a URL. */
  assertNotInUrls(secrets: readonly string[]): void {
    const urls = [this.page.url(), ...this.exchanges.map((exchange) => exchange.request.url())];
    for (const url of urls) {
      const decoded = decodeURIComponent(url);
      for (const secret of secrets) {
        // The signature alone identifies a token: it must not appear either.
        const signature = secret.split('.').at(-1) ?? secret;
        assert.ok(!decoded.includes(secret) && !decoded.includes(signature), `in a URL: ${url}`);
      }
    }
  }
}

/**
 * The credential a request carried (`hws_…`), if any: as `Authorization: Bearer`, or in the body
 * of a simple request (`POST /api/chat/events`, verify-jwt's `load`).
 */
export async function credentialOf(request: Request): Promise<string | undefined> {
  const header = (await request.allHeaders()).authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length);
  const { pathname } = new URL(request.url());
  if (pathname === '/api/chat/events') return bodyField(request, 'session');
  const load = pathname === '/api/widget/verify-jwt' ? bodyValue(request, 'load') : undefined;
  const session =
    typeof load === 'object' && load !== null ? Reflect.get(load, 'session') : undefined;
  return typeof session === 'string' ? session : undefined;
}

/** A string field of a request's JSON body. */
export function bodyField(request: Request, key: string): string | undefined {
  const value = bodyValue(request, key);
  return typeof value === 'string' ? value : undefined;
}

function bodyValue(request: Request, key: string): unknown {
  try {
    const body: unknown = JSON.parse(request.postData() ?? '');
    return typeof body === 'object' && body !== null ? Reflect.get(body, key) : undefined;
  } catch {
    return undefined;
  }
}
