import type { FastifyReply, FastifyRequest } from 'fastify';
import { type BotSettings, originAllowed, parseBotSettings } from '../bots/bot-settings.js';
import { findChatbot } from '../bots/chatbots-repository.js';
import type { IdentityState } from '../db/schema.js';
import { HilalError } from '../errors.js';
import { requestSession } from '../identity/request-session.js';
import { effectiveIdentity, type WidgetSession } from '../identity/widget-sessions.js';
import type { AppServices } from '../services.js';
import type { ReplyContext } from './responder/responder.js';

export const IDENTITY_HEADER = 'x-hilal-identity-source';

/** Who is calling the chat API, as the server decided it. */
export interface ChatCaller {
  readonly session: WidgetSession;
  /** The server's own identity state for this request (SPEC §2). */
  readonly identity: IdentityState;
  readonly botName: string;
  readonly settings: BotSettings;
}

const RANK: Record<IdentityState, number> = { anonymous: 0, 'self-reported': 1, verified: 2 };

/**
 * Authenticates a chat request by its widget session and decides its identity state. The
 * widget's `X-Hilal-Identity-Source` is only compared: a claim above what the session holds is
 * counted as a mismatch and otherwise ignored, never trusted and never an error (SPEC §2).
 */
export async function authenticateChat(
  request: FastifyRequest,
  reply: FastifyReply,
  services: AppServices,
): Promise<ChatCaller> {
  const nowMs = services.now();
  const session = await requestSession(request, services.sessions, nowMs);
  if (session === undefined) throw new HilalError('unauthorized');

  const bot = await findChatbot(services.db, session.organizationId, session.chatbotId);
  if (bot === undefined) throw new HilalError('unauthorized');
  const settings = parseBotSettings(bot.settings, bot.name);
  if (!originAllowed(settings, request.headers.origin)) throw new HilalError('origin_not_allowed');

  let identity = session.identity;
  if (identity === 'verified') {
    const signing = await services.signingKeys.resolve(session.organizationId, session.chatbotId);
    identity = effectiveIdentity(session, signing?.secretRef ?? null, nowMs / 1000);
  }
  reply.header('X-Hilal-Identity-Source', identity);

  const claimed = request.headers[IDENTITY_HEADER];
  if (
    typeof claimed === 'string' &&
    claimed in RANK &&
    RANK[claimed as IdentityState] > RANK[identity]
  ) {
    services.counters.add(session.organizationId, session.chatbotId, 'identity_mismatch');
  }
  return { session, identity, botName: bot.name, settings };
}

/**
 * What the responder may know of the caller (SPEC §6): verified claims as fact, and what an
 * unverified visitor said only as self-reported.
 */
export function replyIdentity(caller: ChatCaller): Pick<ReplyContext, 'verified' | 'selfReported'> {
  const { session, identity } = caller;
  const details = { name: session.name ?? undefined, email: session.email ?? undefined };
  if (identity === 'verified' && session.sub !== null)
    return { verified: { sub: session.sub, ...details } };
  if (identity === 'self-reported') return { selfReported: details };
  return {};
}
