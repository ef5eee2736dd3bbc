// Narrowing parsers for the JSON of docs/widget-api.md. The shapes are the contract's
// (`@hilal/contract/widget-api`), imported as types only: erased by esbuild, so TypeBox never
// enters chat_v3.js. The server is trusted, but a proxy or an older server may answer with
// anything, and a bad body must not break the page.
import type {
  Author,
  ChatMessage,
  DeltaEvent,
  HistoryResponse,
  IdentitySource,
  SessionEndedEvent,
  TypingEvent,
  VerifiedResponse,
  WidgetConfig,
  WidgetSessionResponse,
} from '@hilal/contract/widget-api';
import { WIDGET_DEFAULTS } from '@hilal/contract/widget-defaults';

export type { Author };

/** A stored message: the contract's `ChatMessage`. */
export type Message = Readonly<ChatMessage>;

/** The bot's look: `GET /api/widget/config` without its `botId`. */
export type Appearance = Readonly<Omit<WidgetConfig, 'botId'>>;

/** `GET /api/chat/history`; an identity the widget does not know is `undefined`. */
export interface History {
  readonly identity: IdentitySource | undefined;
  readonly name: HistoryResponse['name'];
  readonly messages: Message[];
}

type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

const IDENTITIES: readonly IdentitySource[] = ['anonymous', 'self-reported', 'verified'];

export function parseIdentity(value: unknown): IdentitySource | undefined {
  return IDENTITIES.find((known) => known === value);
}

const AUTHORS: readonly Author[] = ['visitor', 'bot', 'agent'];

export function parseMessage(value: unknown): Message | undefined {
  if (!isObject(value)) return undefined;
  const { id, seq, text, createdAt } = value;
  const author = AUTHORS.find((known) => known === value.author);
  if (typeof id !== 'string' || typeof seq !== 'number' || typeof text !== 'string' || !author) {
    return undefined;
  }
  return {
    id,
    seq,
    conversationId: str(value.conversationId) ?? '',
    clientMessageId: str(value.clientMessageId) ?? null,
    author,
    text,
    identitySource: parseIdentity(value.identitySource) ?? 'anonymous',
    createdAt: typeof createdAt === 'number' ? createdAt : Date.now(),
  };
}

export function parseHistory(value: unknown): History {
  const body = isObject(value) ? value : {};
  const list = Array.isArray(body.messages) ? body.messages : [];
  return {
    identity: parseIdentity(body.identity),
    name: str(body.name) ?? null,
    messages: list.map(parseMessage).filter((m): m is Message => m !== undefined),
  };
}

/** The look when the server cannot be asked: the same defaults the server gives a new bot. */
export const DEFAULT_CONFIG: Appearance = WIDGET_DEFAULTS;

export function parseConfig(value: unknown): Appearance {
  const body = isObject(value) ? value : {};
  return {
    title: str(body.title) || DEFAULT_CONFIG.title,
    color: str(body.color) || DEFAULT_CONFIG.color,
    position: body.position === 'left' ? 'left' : 'right',
    welcome: str(body.welcome) ?? DEFAULT_CONFIG.welcome,
    // Only `required` is kept: anything else (absent, an older server) is the default, optional.
    ...(body.identityMode === 'required' ? { identityMode: 'required' as const } : {}),
  };
}

/** A parsed `POST /api/widget/verify-jwt` or `POST /api/widget/session` success. */
export interface SessionGrant {
  readonly session: WidgetSessionResponse['session'];
  readonly identity: IdentitySource;
  readonly sub?: VerifiedResponse['claims']['sub'];
  readonly name?: string;
  /** Token `exp`, in epoch seconds (verified sessions only). */
  readonly expiresAt?: VerifiedResponse['expiresAt'];
}

export function parseVerified(value: unknown): SessionGrant | undefined {
  if (!isObject(value) || value.verified !== true || !isObject(value.claims)) return undefined;
  const session = str(value.session);
  const sub = str(value.claims.sub);
  const expiresAt = value.expiresAt;
  if (!session || !sub || typeof expiresAt !== 'number') return undefined;
  const name = str(value.claims.name);
  return { session, identity: 'verified', sub, expiresAt, ...(name ? { name } : {}) };
}

export function parseSession(value: unknown): SessionGrant | undefined {
  if (!isObject(value)) return undefined;
  const session = str(value.session);
  const identity = parseIdentity(value.identity);
  return session && identity ? { session, identity } : undefined;
}

/** A `typing` event; anything but `typing: true` turns the indicator off. */
export function parseTyping(value: unknown): TypingEvent | undefined {
  if (!isObject(value)) return undefined;
  return { author: value.author === 'agent' ? 'agent' : 'bot', typing: value.typing === true };
}

/** Why the server ended a stream's session; `undefined` for a reason this widget does not know. */
export type SessionEndReason = SessionEndedEvent['reason'];

const END_REASONS: readonly SessionEndReason[] = ['logout', 'secret_changed', 'expired', 'max_age'];

export function parseSessionEnded(value: unknown): SessionEndReason | undefined {
  return isObject(value) ? END_REASONS.find((known) => known === value.reason) : undefined;
}

/**
 * Why `POST /api/widget/verify-jwt` refused a token (README "Failure reasons"): fixed codes, never
 * the token, so they are safe to show the host's developers.
 */
export interface TokenFailure {
  readonly reason: string;
  readonly detail: string;
}

/** A code such as `signature_mismatch`; anything else (a proxy's page) is `unknown`. */
const code = (value: unknown): string =>
  typeof value === 'string' && /^[a-z_]{1,40}$/.test(value) ? value : 'unknown';

export function parseTokenFailure(value: unknown): TokenFailure {
  const body = isObject(value) ? value : {};
  return { reason: code(body.reason), detail: code(body.detail) };
}

export function parseDelta(value: unknown): DeltaEvent | undefined {
  if (!isObject(value)) return undefined;
  const { replyId, text } = value;
  return typeof replyId === 'string' && typeof text === 'string' ? { replyId, text } : undefined;
}

/**
 * A parsed load: `POST /api/widget/bootstrap`'s answer, or verify-jwt's with `load` (its body
 * then is the `verified` part too). Each part as its own route's parser reads it, and the session
 * its `history` belongs to (the verified or started one, else `held`, the one it sent).
 */
export interface Bootstrap {
  readonly config: Appearance;
  readonly verified?: SessionGrant | TokenFailure | undefined;
  readonly started?: SessionGrant | undefined;
  readonly history?: History | undefined;
  readonly session?: string | undefined;
}

export function parseBootstrap(value: unknown, held: string | undefined): Bootstrap {
  const body = isObject(value) ? value : {};
  const verified = isObject(body.verified)
    ? body.verified.verified === true
      ? parseVerified(body.verified)
      : parseTokenFailure(body.verified)
    : undefined;
  const started = parseSession(body.started);
  const session =
    (verified && 'session' in verified ? verified.session : undefined) ?? started?.session ?? held;
  return {
    config: parseConfig(body.config),
    verified,
    started,
    history: isObject(body.history) ? parseHistory(body.history) : undefined,
    session,
  };
}
