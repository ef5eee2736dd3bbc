import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { HilalError } from '../errors.js';
import type { AppServices } from '../services.js';
import { countPerMinute } from '../store/per-minute-limit.js';
import { authenticateChat, type ChatCaller, replyIdentity } from './chat-caller.js';
import { ensureContact, findCallerContactId } from './chat-contacts.js';
import { publishChatEvent } from './chat-events.js';
import {
  createConversation,
  findOpenConversation,
  touchConversation,
} from './conversations-repository.js';
import { insertMessage, listMessages } from './messages-repository.js';
import type { ReplyService } from './reply-service.js';
import { findEmailAddress } from './responder/follow-up-email.js';

export const MAX_MESSAGE_LENGTH = 4000;
const MESSAGES_PER_MINUTE = 30;

const PostMessageBody = Type.Object({
  clientMessageId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }),
  text: Type.String(),
});

/** The chat API under `/api/chat/` (docs/widget-api.md), authenticated by the widget session. */
export function registerChatRoutes(
  app: FastifyInstance,
  services: AppServices,
  replies: ReplyService,
): void {
  const { db, now, store } = services;

  app.get('/api/chat/history', async (request, reply) => {
    const caller = await authenticateChat(request, reply, services);
    // A read: it finds the caller's contact but does not create one.
    const contactId = await findCallerContactId(db, caller);
    const conversation = contactId
      ? await findOpenConversation(db, caller.session.organizationId, contactId)
      : undefined;
    const messages = conversation
      ? await listMessages(db, caller.session.organizationId, conversation.id)
      : [];
    return {
      identity: caller.identity,
      name: displayName(caller),
      conversationId: conversation?.id ?? null,
      messages,
    };
  });

  app.post<{ Body: Static<typeof PostMessageBody> }>(
    '/api/chat/messages',
    { bodyLimit: 16 * 1024, schema: { body: PostMessageBody } },
    async (request, reply) => {
      const caller = await authenticateChat(request, reply, services);
      const text = request.body.text.trim();
      if (text === '') throw new HilalError('invalid_request');
      if ([...text].length > MAX_MESSAGE_LENGTH) throw new HilalError('message_too_long');
      const { organizationId, chatbotId } = caller.session;

      const nowMs = now();
      const rate = await countPerMinute(
        store,
        `chat-messages:${caller.session.id}`,
        MESSAGES_PER_MINUTE,
        nowMs,
      );
      if (rate.limited) {
        throw new HilalError('rate_limited', { 'Retry-After': String(rate.retryAfterS) });
      }

      const contact = await ensureContact(db, caller, nowMs);
      const conversation =
        (await findOpenConversation(db, organizationId, contact.id)) ??
        (await createConversation(
          db,
          { organizationId, chatbotId, contactId: contact.id, identity: caller.identity },
          nowMs,
        ));
      const stored = await insertMessage(
        db,
        {
          organizationId,
          conversationId: conversation.id,
          clientMessageId: request.body.clientMessageId,
          author: 'visitor',
          text,
          identitySource: caller.identity,
        },
        nowMs,
      );
      if (!stored.duplicate) {
        await touchConversation(
          db,
          organizationId,
          conversation.id,
          { identity: caller.identity },
          nowMs,
        );
        await publishChatEvent(store, contact.id, { type: 'message', message: stored.message });
        // The bot answers while it has the conversation. Once it is handed to a human, it only
        // acknowledges the follow-up email it asked an unverified visitor for.
        const followUpOnly =
          conversation.status !== 'bot' &&
          caller.identity !== 'verified' &&
          findEmailAddress(text) !== undefined;
        if (conversation.status === 'bot' || followUpOnly) {
          replies.respond({
            followUpOnly,
            organizationId,
            chatbotId,
            botName: caller.botName,
            conversation,
            contact,
            identity: caller.identity,
            text,
            ...replyIdentity(caller),
          });
        }
      }
      return { message: stored.message, duplicate: stored.duplicate };
    },
  );

  app.post('/api/chat/logout', async (request, reply) => {
    const caller = await authenticateChat(request, reply, services);
    await services.sessions.revoke(caller.session, now());
    return reply.code(204).send();
  });
}

/** The name the widget may show: a verified name, or what the visitor said (display only). */
function displayName(caller: ChatCaller): string | null {
  return caller.identity === 'anonymous' ? null : caller.session.name;
}
