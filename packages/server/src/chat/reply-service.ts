import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Dialect } from '../db/database.js';
import type { Database, IdentityState } from '../db/schema.js';
import { newId } from '../ids.js';
import type { Store } from '../store/store.js';
import { publishChatEvent } from './chat-events.js';
import { type Contact, setContactEmail } from './contacts-repository.js';
import type { Conversation } from './conversations-repository.js';
import { publishInboxActivity } from './inbox-activity.js';
import { createKnowledgeIndexes } from './knowledge/knowledge-indexes.js';
import { listMessages, storeMessage } from './messages-repository.js';
import type { ReplyContext, Responder } from './responder/responder.js';

export interface ReplyRequest {
  readonly organizationId: string;
  readonly chatbotId: string;
  readonly botName: string;
  readonly conversation: Conversation;
  readonly contact: Contact;
  readonly identity: IdentityState;
  readonly verified?: ReplyContext['verified'];
  readonly selfReported?: ReplyContext['selfReported'];
  readonly text: string;
  /** The bot's `knowledge_version` when the message arrived (`ChatCaller`). */
  readonly knowledgeVersion: number;
  /** Handed to a human already: only the built-in responder's email acknowledgement runs. */
  readonly followUpOnly?: boolean;
}

export interface ReplyService {
  /** Starts the bot's reply in the background; events carry it to the widget. */
  respond(request: ReplyRequest): void;
  /** Resolves when every reply under way has been stored (shutdown, tests). */
  drain(): Promise<void>;
}

const HISTORY_FOR_CONTEXT = 20;

export function createReplyService(deps: {
  db: Kysely<Database>;
  dialect: Dialect;
  store: Store;
  responder: Responder;
  /** Answers follow-up emails in conversations a human has (the built-in responder). */
  followUpResponder: Responder;
  now: () => number;
  log: FastifyBaseLogger;
}): ReplyService {
  const { db, dialect, store, now, log } = deps;
  const inFlight = new Set<Promise<void>>();
  const knowledgeIndexes = createKnowledgeIndexes(db);

  async function run(request: ReplyRequest): Promise<void> {
    const { organizationId, chatbotId, conversation, contact } = request;
    const publish = (event: Parameters<typeof publishChatEvent>[2]) =>
      publishChatEvent(store, contact.id, event).catch(() => {});
    // Nothing waits for an event's round trip to Redis but the end of the reply (`drain`): events
    // issued in order on the store's one connection reach the stream in that order (typing, the
    // message, typing off: docs/widget-api.md), and those issued together leave in one write.
    const published = [publish({ type: 'typing', author: 'bot', typing: true })];
    try {
      const responder = request.followUpOnly ? deps.followUpResponder : deps.responder;
      const [history, knowledge] = await Promise.all([
        responder.needsHistory === false
          ? []
          : listMessages(db, organizationId, conversation.id, { limit: HISTORY_FOR_CONTEXT }),
        knowledgeIndexes.search(
          { organizationId, chatbotId, knowledgeVersion: request.knowledgeVersion },
          request.text,
        ),
      ]);
      const replyId = newId('msg');
      const context: ReplyContext = {
        botName: request.botName,
        identity: request.identity,
        ...(request.verified ? { verified: request.verified } : {}),
        ...(request.selfReported ? { selfReported: request.selfReported } : {}),
        history: history.map((message) => ({ author: message.author, text: message.text })),
        text: request.text,
        knowledge,
        ...(contact.kind === 'visitor' && contact.email && request.identity === 'anonymous'
          ? { followUpEmail: contact.email }
          : {}),
      };
      const reply = await responder.reply(context, {
        delta: (text) => void publish({ type: 'delta', replyId, text }),
      });
      const handedOver = reply.handoff && !request.followUpOnly;
      const { message } = await storeMessage(
        db,
        dialect,
        {
          id: replyId,
          organizationId,
          conversationId: conversation.id,
          clientMessageId: null,
          author: 'bot',
          text: reply.text,
          identitySource: request.identity,
        },
        handedOver ? { status: 'human' } : {},
        now(),
      );
      if (reply.capturedEmail && request.identity !== 'verified') {
        await setContactEmail(db, organizationId, contact.id, reply.capturedEmail, now());
      }
      published.push(
        publish({ type: 'message', message }),
        publishInboxActivity(store, organizationId, {
          conversationId: conversation.id,
          lastActivityAt: message.createdAt,
        }),
      );
    } catch (error) {
      log.error(
        { err: error instanceof Error ? { type: error.name, stack: error.stack } : {} },
        'bot reply failed',
      );
    } finally {
      published.push(publish({ type: 'typing', author: 'bot', typing: false }));
      await Promise.all(published);
    }
  }

  return {
    respond(request) {
      const task = run(request).finally(() => inFlight.delete(task));
      inFlight.add(task);
    },
    async drain() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
