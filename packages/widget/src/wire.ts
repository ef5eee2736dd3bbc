// The JSON shapes of docs/widget-api.md, and narrowing parsers for them: the server is trusted,
// but a proxy or an older server may answer with anything, and a bad body must not break the page.
import type { IdentitySource } from './types.js';

export type Author = 'visitor' | 'bot' | 'agent';

export interface Message {
  readonly id: string;
  readonly seq: number;
  readonly conversationId: string;
  readonly clientMessageId: string | null;
  readonly author: Author;
  readonly text: string;
  readonly identitySource: IdentitySource;
  readonly createdAt: number;
}

export interface WidgetConfig {
  readonly title: string;
  readonly color: string;
  readonly position: 'right' | 'left';
  readonly welcome: string;
}

export interface History {
  readonly identity: IdentitySource | undefined;
  readonly name: string | null;
  readonly messages: Message[];
}

type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

const IDENTITIES: readonly string[] = ['anonymous', 'self-reported', 'verified'];

export function parseIdentity(value: unknown): IdentitySource | undefined {
  return IDENTITIES.find((known): known is IdentitySource => known === value);
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

export const DEFAULT_CONFIG: WidgetConfig = {
  title: 'Chat',
  color: '#2563eb',
  position: 'right',
  welcome: '',
};

export function parseConfig(value: unknown): WidgetConfig {
  const body = isObject(value) ? value : {};
  return {
    title: str(body.title) || DEFAULT_CONFIG.title,
    color: str(body.color) || DEFAULT_CONFIG.color,
    position: body.position === 'left' ? 'left' : 'right',
    welcome: str(body.welcome) ?? '',
  };
}

/** A parsed `POST /api/widget/verify-jwt` or `POST /api/widget/session` success. */
export interface SessionGrant {
  readonly session: string;
  readonly identity: IdentitySource;
  readonly sub?: string;
  readonly name?: string;
  /** Token `exp`, in epoch seconds (verified sessions only). */
  readonly expiresAt?: number;
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
