import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireAdmin } from '../accounts/require-admin.js';
import { publishChatEvent } from '../chat/chat-events.js';
import { MAX_MESSAGE_LENGTH } from '../chat/chat-routes.js';
import { touchConversation } from '../chat/conversations-repository.js';
import { insertMessage, listMessages } from '../chat/messages-repository.js';
import { HilalError } from '../errors.js';
import type { AppServices } from '../services.js';
import { findInboxConversation, listInboxConversations } from './inbox-repository.js';

const EVERYONE = ['owner', 'admin', 'agent'] as const;
const ReplyBody = Type.Object({ text: Type.String({ minLength: 1 }) });
type ConversationParams = { Params: { conversationId: string } };

/** The inbox API behind the dashboard (SPEC §7): list, read, and reply as a human agent. */
export function registerInboxRoutes(app: FastifyInstance, services: AppServices): void {
  const { db, now, store } = services;

  /** The signed-in user and the conversation they name, always within their organization. */
  async function agentAndConversation(request: FastifyRequest<ConversationParams>) {
    const admin = await requireAdmin(request, services, EVERYONE);
    const conversation = await findInboxConversation(
      db,
      admin.organizationId,
      request.params.conversationId,
    );
    if (conversation === undefined) throw new HilalError('conversation_not_found');
    return { admin, conversation };
  }

  app.get<{ Querystring: { limit?: string } }>('/api/admin/conversations', async (request) => {
    const admin = await requireAdmin(request, services, EVERYONE);
    const limit = Math.min(Math.max(Number(request.query.limit) || 50, 1), 200);
    return { conversations: await listInboxConversations(db, admin.organizationId, limit) };
  });

  app.get<ConversationParams>('/api/admin/conversations/:conversationId', async (request) => {
    const { admin, conversation } = await agentAndConversation(request);
    const messages = await listMessages(db, admin.organizationId, conversation.id, { limit: 500 });
    return { conversation, messages };
  });

  app.post<ConversationParams & { Body: Static<typeof ReplyBody> }>(
    '/api/admin/conversations/:conversationId/messages',
    { bodyLimit: 16 * 1024, schema: { body: ReplyBody } },
    async (request) => {
      const { admin, conversation } = await agentAndConversation(request);
      const text = request.body.text.trim();
      if (text === '') throw new HilalError('invalid_request');
      if ([...text].length > MAX_MESSAGE_LENGTH) throw new HilalError('message_too_long');
      const nowMs = now();
      const { message } = await insertMessage(
        db,
        {
          organizationId: admin.organizationId,
          conversationId: conversation.id,
          clientMessageId: null,
          author: 'agent',
          text,
          identitySource: conversation.badge,
        },
        nowMs,
      );
      // A human has taken over: the bot stops answering in this conversation.
      await touchConversation(
        db,
        admin.organizationId,
        conversation.id,
        { status: 'human' },
        nowMs,
      );
      await publishChatEvent(store, conversation.contactId, { type: 'message', message });
      return { message };
    },
  );

  // Closing ends the human's turn: the visitor's next message opens a new conversation, which
  // the bot answers again.
  app.post<ConversationParams>(
    '/api/admin/conversations/:conversationId/close',
    async (request) => {
      const { admin, conversation } = await agentAndConversation(request);
      await touchConversation(
        db,
        admin.organizationId,
        conversation.id,
        { status: 'closed' },
        now(),
      );
      return { conversation: { ...conversation, status: 'closed' as const } };
    },
  );
}
