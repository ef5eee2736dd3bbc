import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { AppServices } from '../services.js';
import { authenticateChat } from './chat-caller.js';
import { ensureContact } from './chat-contacts.js';
import { type ChatEvent, contactChannel, parseChatEvent } from './chat-events.js';
import { findOpenConversation } from './conversations-repository.js';
import { listMessages } from './messages-repository.js';

const PING_MS = 15_000;

/**
 * `GET /api/chat/events`: the live stream (Server-Sent Events, read by the widget with `fetch`
 * so the session travels in a header, never in a URL). With `Last-Event-ID`, the messages after
 * that `seq` are replayed first; events that arrive during the replay are held back and
 * deduplicated, so a reconnect neither loses nor repeats a message.
 */
export function registerChatEventsRoute(app: FastifyInstance, services: AppServices): void {
  // Open streams never go idle, so shutdown ends them itself (the widget reconnects elsewhere).
  const open = new Set<ServerResponse>();
  app.addHook('preClose', async () => {
    for (const response of open) response.end();
  });

  app.get('/api/chat/events', async (request, reply) => {
    const caller = await authenticateChat(request, reply, services);
    const { organizationId } = caller.session;
    const contact = await ensureContact(services.db, caller, services.now());
    const lastEventId = Number(request.headers['last-event-id']);

    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    raw.write(': connected\n\n');

    let highestSeq = Number.isSafeInteger(lastEventId) && lastEventId > 0 ? lastEventId : 0;
    let held: ChatEvent[] | undefined = [];
    const write = (event: ChatEvent) => {
      if (event.type === 'message') {
        if (event.message.seq <= highestSeq) return;
        highestSeq = event.message.seq;
        raw.write(
          `id: ${event.message.seq}\nevent: message\ndata: ${JSON.stringify(event.message)}\n\n`,
        );
      } else if (event.type === 'typing') {
        raw.write(
          `event: typing\ndata: ${JSON.stringify({ author: event.author, typing: event.typing })}\n\n`,
        );
      } else {
        raw.write(
          `event: delta\ndata: ${JSON.stringify({ replyId: event.replyId, text: event.text })}\n\n`,
        );
      }
    };
    const unsubscribe = await services.store.subscribe(contactChannel(contact.id), (text) => {
      const event = parseChatEvent(text);
      if (event === undefined) return;
      if (held) held.push(event);
      else write(event);
    });
    const ping = setInterval(() => raw.write(': ping\n\n'), PING_MS);
    open.add(raw);
    request.raw.once('close', () => {
      open.delete(raw);
      clearInterval(ping);
      void unsubscribe().catch(() => {});
    });

    if (highestSeq > 0) {
      const conversation = await findOpenConversation(services.db, organizationId, contact.id);
      if (conversation) {
        const missed = await listMessages(services.db, organizationId, conversation.id, {
          afterSeq: highestSeq,
        });
        for (const message of missed) write({ type: 'message', message });
      }
    }
    const pending = held;
    held = undefined;
    for (const event of pending) write(event);
  });
}
