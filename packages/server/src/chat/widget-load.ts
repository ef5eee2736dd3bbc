import type {
  HistoryResponse,
  WidgetBootstrapBody,
  WidgetBootstrapResponse,
  WidgetConfig,
} from '@hilal/contract';
import type { BotSettings } from '../bots/bot-settings.js';
import type { Chatbot } from '../bots/chatbots-repository.js';
import { findWidgetBot } from '../bots/widget-bot.js';
import type { IdentityService } from '../identity/identity-service.js';
import { findSession } from '../identity/request-session.js';
import { type ChatAuthDeps, currentIdentity } from './chat-auth.js';
import type { ChatService } from './chat-service.js';

export interface WidgetLoadDeps extends ChatAuthDeps {
  readonly chat: Pick<ChatService, 'history'>;
  readonly identity: IdentityService;
}

/** Where the load's request comes from; the credential held travels in its body. */
export interface WidgetLoadRequest {
  readonly ip: string;
  readonly origin: string | undefined;
}

/** `GET /api/widget/config`'s answer: the bot's look, and whether it wants verified users only. */
export function widgetConfig(bot: Chatbot, settings: BotSettings): WidgetConfig {
  return {
    botId: bot.id,
    title: settings.title,
    color: settings.color,
    position: settings.position,
    welcome: settings.welcome,
    identityMode: settings.identityMode,
  };
}

/**
 * What the widget needs before it can chat, in one answer: the bot's config; with a `token`, its
 * verdict (`verified`); else with `start`, a new session (`started`); and `history`, the
 * conversation of the session now in force — the verified or started one, else `session`. Each part
 * is the same service call as its own route: `verify-jwt` (docs/contract.md §4: its 404, 403,
 * failure counting and 429 included, thrown), `session`, `history`. `session` is carried over as
 * those routes' `Authorization: Bearer` would be.
 *
 * Both load requests answer from this: `POST /api/widget/bootstrap` as it is, and
 * `POST /api/widget/verify-jwt` with `load`, as its own 200 or 401 plus `config` and `history`.
 */
export async function loadWidget(
  deps: WidgetLoadDeps,
  body: WidgetBootstrapBody,
  request: WidgetLoadRequest,
): Promise<WidgetBootstrapResponse> {
  const { orgId, botId, token, session } = body;
  const { origin } = request;
  const { bot, settings } = await findWidgetBot(deps.db, orgId, botId, origin);
  const context = { ip: request.ip, origin, previousCredential: session };
  const answer: WidgetBootstrapResponse = { config: widgetConfig(bot, settings) };
  // The session in force: a new one, or (a token refused, or nothing asked) the one held.
  let current = session;
  if (token !== undefined) {
    const outcome = await deps.identity.verify({ orgId, botId, token }, context);
    answer.verified = outcome.verified
      ? outcome
      : { verified: false, reason: outcome.reason, detail: outcome.detail };
    if (outcome.verified) current = outcome.session;
  } else if (body.start === true) {
    answer.started = await deps.identity.startSession({ orgId, botId, user: body.user }, context);
    current = answer.started.session;
  }
  const history = current === undefined ? undefined : await historyOf(current);
  if (history !== undefined) answer.history = history;
  return answer;

  /** As `GET /api/chat/history` would answer; undefined where it would refuse. */
  async function historyOf(credential: string): Promise<HistoryResponse | undefined> {
    const nowMs = deps.now();
    const found = await findSession(deps.sessions, credential, nowMs, { orgId, botId });
    if (found === undefined) return undefined;
    const identity = await currentIdentity(deps, found, nowMs);
    // docs/contract.md §5: a bot that wants verified users shows nothing to anyone else.
    if (settings.identityMode === 'required' && identity !== 'verified') return undefined;
    return deps.chat.history({ session: found, identity, botName: bot.name, settings });
  }
}
