import type { FastifyRequest } from 'fastify';
import { HilalError } from '../errors.js';

/**
 * docs/contract.md §5: a bot whose identity mode is `required` chats with verified users only;
 * anyone else gets 403 `identity_required`. A preHandler for the chat API, run after `chatAuth`
 * (which sets `request.chatCaller` with the server's own identity state and the bot's settings).
 * Logout stays open to everyone: a visitor must always be able to end their sessions.
 */
export async function requireIdentityMode(request: FastifyRequest): Promise<void> {
  const { identity, settings } = request.chatCaller;
  if (settings.identityMode !== 'required' || identity === 'verified') return;
  if (request.routeOptions.url === '/api/chat/logout') return;
  throw new HilalError('identity_required');
}
