// The HTTP calls of docs/widget-api.md. Every /api/chat/… request says what the widget believes
// about its identity, and every answer's header says what the server decided (docs/contract.md §2).

import type {
  PostMessageBody,
  StreamBody,
  VerifyJwtBody,
  WidgetBootstrapBody,
  WidgetConfigQuery,
  WidgetSessionBody,
} from '@hilal/contract/widget-api';
import { retryAfterMs } from './backoff.js';
import type { IdentitySource } from './types.js';
import {
  type Appearance,
  type Bootstrap,
  type History,
  isObject,
  type Message,
  parseBootstrap,
  parseHistory,
  parseIdentity,
  parseMessage,
  parseSession,
  parseTokenFailure,
  parseVerified,
  type SessionGrant,
  type TokenFailure,
} from './wire.js';

export const IDENTITY_HEADER = 'X-Hilal-Identity-Source';

/**
 * A response that was not 2xx. `code` is the body's `error` (or a failed token's `reason`), and
 * `detail` a failed token's `detail`.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    readonly retryAfterMs: number | undefined,
    readonly detail?: string,
  ) {
    super(`HTTP ${status}${code ? ` ${code}` : ''}`);
  }
}

/** Whether the same request may succeed later: a network failure, 408, 429 or a 5xx. */
export const isTransient = (error: unknown): boolean =>
  !(error instanceof HttpError) ||
  error.status === 408 ||
  error.status === 429 ||
  error.status >= 500;

export interface ApiClientOptions {
  readonly serverUrl: string;
  readonly orgId: string;
  readonly botId: string;
  /** What the widget believes, sent on every chat request. */
  readonly belief: () => IdentitySource;
  /** The server's decision, from every chat response that carries one, and for which session. */
  readonly onIdentity: (source: IdentitySource, session: string | null) => void;
}

interface CallOptions {
  readonly method?: 'GET' | 'POST';
  readonly body?: unknown;
  readonly session?: string | null | undefined;
  readonly signal?: AbortSignal;
  readonly keepalive?: boolean;
  readonly accept?: string;
  /** A CORS-simple request: `session` and the belief travel in its body, not in headers. */
  readonly simple?: boolean;
  /** The identity header for a session other than the current one (its logout). */
  readonly belief?: IdentitySource;
  /** A 401 is an answer to read (a refused token's), not an error. */
  readonly refusal?: boolean;
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** What the widget's load will ask, known before it asks it. */
export type BootPlan = Omit<WidgetBootstrapBody, 'orgId' | 'botId'>;

export function createApiClient(options: ApiClientOptions) {
  const { serverUrl, orgId, botId } = options;

  async function call(path: string, init: CallOptions = {}): Promise<Response> {
    const chat = path.startsWith('/api/chat/');
    const headers: Record<string, string> = {};
    if (init.session && !init.simple) headers.Authorization = `Bearer ${init.session}`;
    if (chat && !init.simple) headers[IDENTITY_HEADER] = init.belief ?? options.belief();
    if (init.accept) headers.Accept = init.accept;
    // docs/widget-api.md: JSON sent as text/plain, which spares the preflight where nothing else
    // needs one; the server parses every body as JSON.
    if (init.body !== undefined) headers['Content-Type'] = 'text/plain;charset=UTF-8';
    const response = await fetch(serverUrl + path, {
      method: init.method ?? 'GET',
      headers,
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      ...(init.signal ? { signal: init.signal } : {}),
      ...(init.keepalive ? { keepalive: true } : {}),
      credentials: 'omit',
      cache: 'no-store',
    });
    if (chat) {
      const decided = parseIdentity(response.headers.get(IDENTITY_HEADER));
      if (decided) options.onIdentity(decided, init.session ?? null);
    }
    if (response.ok || (init.refusal && response.status === 401)) return response;
    const body: unknown = await response.json().catch(() => undefined);
    const code = isObject(body) ? (body.error ?? body.reason) : undefined;
    const detail = isObject(body) ? body.detail : undefined;
    throw new HttpError(
      response.status,
      typeof code === 'string' ? code : undefined,
      retryAfterMs(response.headers.get('Retry-After'), Date.now()),
      typeof detail === 'string' ? detail : undefined,
    );
  }

  const json = async (response: Response): Promise<unknown> => response.json();
  const ids: WidgetConfigQuery = { orgId, botId };

  // The load in one CORS-simple request (README "HTTP API"): with a token, verify-jwt with
  // `load` (docs/contract.md §5), else `POST /api/widget/bootstrap`. Its answers stand in for the
  // first config, verify, session and history calls that ask exactly what it asked, once each.
  // Any other call, or any call after it failed (an older server), goes to its own route.
  let plan: BootPlan = {};
  let boot: Promise<Bootstrap | undefined> | undefined;
  let bootError: unknown;
  const spent = new Set<string>();
  /** The bootstrap's answer for `part`, when it asked for it and nobody took it yet. */
  async function booted(part: string, asked: boolean): Promise<Bootstrap | undefined> {
    if (!boot || !asked || spent.has(part)) return undefined;
    spent.add(part);
    return boot;
  }

  return {
    prefetch(next: BootPlan): void {
      plan = next;
      const { token, session } = next;
      boot = (
        token
          ? call('/api/widget/verify-jwt', {
              method: 'POST',
              body: { ...ids, token, load: { session } } satisfies VerifyJwtBody,
              refusal: true,
            })
          : call('/api/widget/bootstrap', { method: 'POST', body: { ...ids, ...next } })
      )
        .then(json)
        // verify-jwt's answer is itself the verdict, beside the load's config and history.
        .then((body) => parseBootstrap(token ? { ...Object(body), verified: body } : body, session))
        .catch((error: unknown) => {
          bootError = error;
          return undefined;
        });
    },

    /** The bot's look, from the load (`prefetch` comes first); why not, when it failed. */
    async config(): Promise<Appearance> {
      const booting = await booted('config', true);
      if (!booting) throw bootError;
      return booting.config;
    },

    /** An anonymous or self-reported session; `carry` brings this browser's visitor over. */
    async session(
      user: { name?: string; email?: string } | undefined,
      carry: string | null,
    ): Promise<SessionGrant> {
      const asked = plan.start === true && plan.user === user && carry === (plan.session ?? null);
      const started = (await booted('start', asked))?.started;
      if (started) return started;
      const body: WidgetSessionBody = user ? { ...ids, user } : ids;
      const grant = parseSession(
        await json(await call('/api/widget/session', { method: 'POST', body, session: carry })),
      );
      if (!grant) throw new HttpError(502, 'invalid_response', undefined);
      return grant;
    },

    /** A verified session, or why the server refused the token (401). */
    async verify(token: string, carry: string | null): Promise<SessionGrant | TokenFailure> {
      const asked = plan.token === token && carry === (plan.session ?? null);
      const verdict = (await booted('verify', asked))?.verified;
      if (verdict) return verdict;
      try {
        const response = await call('/api/widget/verify-jwt', {
          method: 'POST',
          body: { ...ids, token } satisfies VerifyJwtBody,
          session: carry,
        });
        const grant = parseVerified(await json(response));
        if (!grant) throw new HttpError(502, 'invalid_response', undefined);
        return grant;
      } catch (error) {
        if (error instanceof HttpError && error.status === 401) {
          return parseTokenFailure({ reason: error.code, detail: error.detail });
        }
        throw error;
      }
    },

    async history(session: string): Promise<History> {
      const booting = await booted('history', true);
      if (booting?.history && booting.session === session) return booting.history;
      return parseHistory(await json(await call('/api/chat/history', { session })));
    },

    async send(
      session: string,
      clientMessageId: string,
      text: string,
    ): Promise<Message | undefined> {
      const response = await call('/api/chat/messages', {
        method: 'POST',
        body: { clientMessageId, text } satisfies PostMessageBody,
        session,
      });
      const body = await json(response);
      return parseMessage(isObject(body) ? body.message : undefined);
    },

    /** `POST /api/chat/events`: the stream, with what its headers would say in the body. */
    events(session: string, lastEventId: string | undefined, signal: AbortSignal) {
      const body: StreamBody = { session, identity: options.belief() };
      if (lastEventId) body.lastEventId = lastEventId;
      return call('/api/chat/events', {
        method: 'POST',
        body,
        session,
        simple: true,
        signal,
        accept: 'text/event-stream',
      });
    },

    async logout(session: string, belief: IdentitySource): Promise<void> {
      // keepalive: the page may be navigating away right after a sign-out.
      await call('/api/chat/logout', { method: 'POST', session, belief, keepalive: true });
    },
  };
}
