// Every request a page makes and the response it gets, recorded with `page.on('request')` and
// `page.on('response')`, to assert on URLs, methods, headers, statuses and bodies.
import assert from 'node:assert/strict';
import type { Page, Request, Response } from 'playwright-core';
import type { IdentitySource } from './page-globals.js';

/** Generous: the CI machine has two cores, and Chromium shares them with the server. */
export const WAIT_MS = 30_000;

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

/** The chat calls every conversation makes: load it, listen to it, send to it. */
const ANSWERED = ['GET /api/chat/history', 'GET /api/chat/events', 'POST /api/chat/messages'];

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
  async response(method: string, path: string, nth = 0): Promise<Response> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const response = this.calls(path, method)
        .map((exchange) => exchange.response)
        .filter((found) => found !== undefined)[nth];
      if (response) return response;
      const left = deadline - Date.now();
      assert.ok(left > 0, `no response #${nth + 1} to ${method} ${path} within ${WAIT_MS} ms`);
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
          sent: (await exchange.request.allHeaders())['x-hilal-identity-source'],
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

/** The Authorization credential a request carried (`hws_…`), if any. */
export async function credentialOf(request: Request): Promise<string | undefined> {
  const header = (await request.allHeaders()).authorization;
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
}
