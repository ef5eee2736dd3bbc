import type { FastifyRequest } from 'fastify';
import type { WidgetSession, WidgetSessions } from './widget-sessions.js';

/**
 * The widget session a request carries as `Authorization: Bearer hws_…` (never in a URL), or
 * undefined. With `bot`, only a session of that bot counts: a browser carries its session over
 * to a new one of the same bot only.
 */
export async function requestSession(
  request: FastifyRequest,
  sessions: WidgetSessions,
  now: number,
  bot?: { readonly orgId: string; readonly botId: string },
): Promise<WidgetSession | undefined> {
  const header = request.headers.authorization;
  if (header === undefined || !header.startsWith('Bearer ')) return undefined;
  const session = await sessions.find(header.slice('Bearer '.length).trim(), now);
  if (session === undefined || bot === undefined) return session;
  return session.organizationId === bot.orgId && session.chatbotId === bot.botId
    ? session
    : undefined;
}
