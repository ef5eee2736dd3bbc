import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { originAllowed, parseBotSettings } from '../bots/bot-settings.js';
import { findChatbot } from '../bots/chatbots-repository.js';
import { HilalError } from '../errors.js';
import { requestSession } from '../identity/request-session.js';
import { newVisitorId } from '../identity/widget-sessions.js';
import { isId } from '../ids.js';
import type { AppServices } from '../services.js';

const ConfigQuery = Type.Object({ orgId: Type.String(), botId: Type.String() });
const SessionBody = Type.Object({
  orgId: Type.String(),
  botId: Type.String(),
  user: Type.Optional(
    Type.Object({
      name: Type.Optional(Type.Union([Type.String({ maxLength: 320 }), Type.Null()])),
      email: Type.Optional(Type.Union([Type.String({ maxLength: 320 }), Type.Null()])),
    }),
  ),
});

/** The widget's start-up endpoints (docs/widget-api.md). */
export function registerWidgetRoutes(app: FastifyInstance, services: AppServices): void {
  const { db, now } = services;

  async function botFor(orgId: string, botId: string, origin: string | undefined) {
    const bot =
      isId('org', orgId) && isId('bot', botId) ? await findChatbot(db, orgId, botId) : undefined;
    if (bot === undefined) throw new HilalError('bot_not_found');
    const settings = parseBotSettings(bot.settings, bot.name);
    if (!originAllowed(settings, origin)) throw new HilalError('origin_not_allowed');
    return { bot, settings };
  }

  app.get<{ Querystring: Static<typeof ConfigQuery> }>(
    '/api/widget/config',
    { schema: { querystring: ConfigQuery } },
    async (request, reply) => {
      const { bot, settings } = await botFor(
        request.query.orgId,
        request.query.botId,
        request.headers.origin,
      );
      reply.header('Cache-Control', 'public, max-age=60');
      return {
        botId: bot.id,
        title: settings.title,
        color: settings.color,
        position: settings.position,
        welcome: settings.welcome,
      };
    },
  );

  app.post<{ Body: Static<typeof SessionBody> }>(
    '/api/widget/session',
    { bodyLimit: 16 * 1024, schema: { body: SessionBody } },
    async (request) => {
      const { orgId, botId, user } = request.body;
      await botFor(orgId, botId, request.headers.origin);
      const name = user?.name?.trim() || undefined;
      const email = user?.email?.trim() || undefined;
      const identity = name || email ? 'self-reported' : 'anonymous';
      // The same browser keeps its visitor id, and so its anonymous conversation; a browser
      // that was someone's verified session starts afresh instead.
      const previous = await requestSession(request, services.sessions, now(), { orgId, botId });
      const visitorId =
        previous && previous.identity !== 'verified' ? previous.visitorId : newVisitorId();
      const { credential } = services.sessions.issue(
        { organizationId: orgId, chatbotId: botId, visitorId, identity, name, email },
        now(),
      );
      return { session: credential, identity };
    },
  );
}
