import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  WidgetBootstrapBody as BootstrapBody,
  ErrorBody,
  type HistoryResponse,
  type WidgetBootstrapBody,
  WidgetBootstrapResponse,
  type WidgetConfig,
} from '@hilal/contract';
import type { FastifyInstance } from 'fastify';
import type { BotSettings } from '../bots/bot-settings.js';
import type { Chatbot } from '../bots/chatbots-repository.js';
import { findWidgetBot } from '../bots/widget-bot.js';
import type { IdentityService } from '../identity/identity-service.js';
import { findSession } from '../identity/request-session.js';
import { type ChatAuthDeps, currentIdentity } from './chat-auth.js';
import type { ChatService } from './chat-service.js';

export interface WidgetBootstrapDeps extends ChatAuthDeps {
  readonly chat: Pick<ChatService, 'history'>;
  readonly identity: IdentityService;
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

const errors = { 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 413: ErrorBody, 429: ErrorBody };

/**
 * `POST /api/widget/bootstrap` (README "HTTP API"; the shapes in `@hilal/contract`): the widget's
 * config, session and conversation in one CORS-simple request, so that the widget is ready after
 * this and its stream. Each part is the same service call as its own route — `verify-jwt`
 * (docs/contract.md §4: its 404, 403, failure counting and 429 included), `session`, `history` —
 * and the credentials travel in the body, never in a URL.
 */
export function registerWidgetBootstrap(app: FastifyInstance, deps: WidgetBootstrapDeps): void {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/api/widget/bootstrap',
    {
      bodyLimit: 16 * 1024,
      schema: { body: BootstrapBody, response: { 200: WidgetBootstrapResponse, ...errors } },
    },
    async (request, reply) => {
      reply.header('Cache-Control', 'no-store');
      const body: WidgetBootstrapBody = request.body;
      const { orgId, botId, token, session } = body;
      const origin = request.headers.origin;
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
        answer.started = await deps.identity.startSession(
          { orgId, botId, user: body.user },
          context,
        );
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
    },
  );
}
