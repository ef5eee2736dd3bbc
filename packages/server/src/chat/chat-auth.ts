import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Kysely } from 'kysely';
import type { BotCounters } from '../bots/bot-counters.js';
import { type BotSettings, originAllowed, parseBotSettings } from '../bots/bot-settings.js';
import type { Database, IdentityState } from '../db/schema.js';
import { HilalError } from '../errors.js';
import type { KeysLookup, SigningKeys } from '../identity/signing-keys.js';
import {
  effectiveIdentity,
  type WidgetSession,
  type WidgetSessions,
} from '../identity/widget-sessions.js';
import { type ChatCallerRow, readChatCaller } from './chat-caller-read.js';
import { chatRequestParts } from './chat-request.js';

/** Who is calling the chat API, as the server decided it. */
export interface ChatCaller {
  readonly session: WidgetSession;
  /** The server's own identity state for this request (docs/contract.md §2). */
  readonly identity: IdentityState;
  readonly botName: string;
  readonly settings: BotSettings;
  /** The bot's `knowledge_version` as of this request (see `knowledge/knowledge-indexes.ts`). */
  readonly knowledgeVersion: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `chatAuth` on every route of the chat API. */
    chatCaller: ChatCaller;
  }
}

export interface ChatAuthDeps {
  readonly db: Kysely<Database>;
  readonly sessions: Pick<WidgetSessions, 'find' | 'open'>;
  readonly signingKeys: Pick<SigningKeys, 'resolve' | 'lookup'>;
  readonly counters: Pick<BotCounters, 'add'>;
  readonly now: () => number;
}

const RANK: Record<IdentityState, number> = { anonymous: 0, 'self-reported': 1, verified: 2 };

/**
 * The chat API's authentication, as a preHandler: the widget session in `Authorization` (or in
 * a simple request's body: `chat-request.ts`), its bot's allowed origins, and the server's own
 * identity state for the request. The widget's
 * `X-Hilal-Identity-Source` is only compared: a claim above what the session holds is counted as
 * a mismatch and otherwise ignored, never trusted and never an error (docs/contract.md §2).
 */
export function chatAuth(deps: ChatAuthDeps): preHandlerAsyncHookHandler {
  return async function authenticateChat(request: FastifyRequest, reply: FastifyReply) {
    const nowMs = deps.now();
    const { credential, claimed } = chatRequestParts(request);
    const session = credential === undefined ? undefined : deps.sessions.open(credential, nowMs);
    if (session === undefined) throw new HilalError('unauthorized');

    // A verified session needs its bot's signing keys: from the cache when current, else read
    // with the session's logout and its bot, in one statement (`chat-caller-read.ts`).
    const keys =
      session.identity === 'verified'
        ? deps.signingKeys.lookup(session.organizationId, session.chatbotId)
        : undefined;
    const read = await readChatCaller(deps.db, session, keys !== undefined && !keys.cached);
    if (read === undefined || read.revoked) throw new HilalError('unauthorized');
    const settings = parseBotSettings(read.settings, read.name);
    if (!originAllowed(settings, request.headers.origin))
      throw new HilalError('origin_not_allowed');

    // As `currentIdentity`, with the keys at hand.
    const identity =
      keys === undefined
        ? session.identity
        : effectiveIdentity(session, keysNow(keys, read, settings), nowMs / 1000);
    reply.header('X-Hilal-Identity-Source', identity);

    if (
      typeof claimed === 'string' &&
      claimed in RANK &&
      RANK[claimed as IdentityState] > RANK[identity]
    ) {
      deps.counters.add(session.organizationId, session.chatbotId, 'identity_mismatch');
    }
    request.chatCaller = {
      session,
      identity,
      botName: read.name,
      settings,
      knowledgeVersion: read.knowledgeVersion,
    };
  };
}

function keysNow(keys: KeysLookup, read: ChatCallerRow, settings: BotSettings) {
  if (keys.cached) return keys.cached;
  return read.secrets && keys.fromRow(read.secrets, settings.allowedOrigins);
}

/** A verified session is verified only while its token and its secret still hold (docs/contract.md §2). */
export async function currentIdentity(
  deps: { readonly signingKeys: Pick<SigningKeys, 'resolve'> },
  session: WidgetSession,
  nowMs: number,
): Promise<IdentityState> {
  if (session.identity !== 'verified') return session.identity;
  const signing = await deps.signingKeys.resolve(session.organizationId, session.chatbotId);
  return effectiveIdentity(session, signing, nowMs / 1000);
}
