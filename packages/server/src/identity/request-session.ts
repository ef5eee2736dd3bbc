import type { FastifyRequest } from 'fastify';
import type { WidgetSession, WidgetSessions } from './widget-sessions.js';

/** The widget-session credential a request carries as `Authorization: Bearer hws_…`. */
export function bearerCredential(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined || !header.startsWith('Bearer ')) return undefined;
  return header.slice('Bearer '.length).trim();
}

/** The live session a credential names, of `bot` when given. */
export async function findSession(
  sessions: Pick<WidgetSessions, 'find'>,
  credential: string | undefined,
  now: number,
  bot?: { readonly orgId: string; readonly botId: string },
): Promise<WidgetSession | undefined> {
  if (credential === undefined) return undefined;
  const session = await sessions.find(credential, now);
  if (session === undefined || bot === undefined) return session;
  return session.organizationId === bot.orgId && session.chatbotId === bot.botId
    ? session
    : undefined;
}
