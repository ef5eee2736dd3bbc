import type {
  ChatMessage,
  InboxConversation,
  InboxListQuery,
  InboxListResponse,
  InboxThreadResponse,
  MarkReadResponse,
} from '@hilal/contract';
import type { Kysely } from 'kysely';
import { publishChatEvent } from '../chat/chat-events.js';
import { touchConversation } from '../chat/conversations-repository.js';
import { publishInboxActivity } from '../chat/inbox-activity.js';
import { readMessageText } from '../chat/message-text.js';
import { listMessages, storeMessage } from '../chat/messages-repository.js';
import type { Dialect } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { HilalError } from '../errors.js';
import type { Store } from '../store/store.js';
import { contactPanel } from './contact-panel.js';
import { markConversationRead } from './conversation-reads-repository.js';
import { countInbox, countUnread } from './inbox-counts.js';
import { decodeInboxCursor, encodeInboxCursor } from './inbox-cursor.js';
import {
  followInbox,
  INBOX_STREAM_LIMITS,
  type InboxFollow,
  type InboxStreamLimits,
} from './inbox-feed.js';
import type { InboxFilters, InboxViewer } from './inbox-filters.js';
import { findInboxRow, inboxPageQuery, toInboxConversation } from './inbox-repository.js';
import { contactMatches } from './inbox-search.js';
import { reopenConversation, setAssignee } from './inbox-states.js';

const DEFAULT_PAGE = 50;
const THREAD_MESSAGES = 500;

export interface InboxServiceDeps {
  readonly db: Kysely<Database>;
  /** The search's index differs between the two (`contactMatches`). */
  readonly dialect: Dialect;
  readonly store: Store;
  readonly now: () => number;
  readonly streamLimits?: InboxStreamLimits;
}

/** The agent's inbox flows (docs/contract.md §7), always within the viewer's organization. */
export interface InboxService {
  readonly streamLimits: InboxStreamLimits;
  /** A page, newest activity first, with the counts beside the filters and the unread total. */
  list(viewer: InboxViewer, query: InboxListQuery): Promise<InboxListResponse>;
  /** The conversation, its messages and the contact panel; it does not mark it read. */
  thread(viewer: InboxViewer, conversationId: string): Promise<InboxThreadResponse>;
  /** An agent's reply: stored, sent live to the widget, and the bot stops answering there. */
  reply(viewer: InboxViewer, conversationId: string, text: string): Promise<ChatMessage>;
  markRead(viewer: InboxViewer, conversationId: string): Promise<MarkReadResponse>;
  assign(viewer: InboxViewer, conversationId: string): Promise<InboxConversation>;
  unassign(viewer: InboxViewer, conversationId: string): Promise<InboxConversation>;
  /** Closes: the visitor's next message opens a new conversation, which the bot answers. */
  close(viewer: InboxViewer, conversationId: string): Promise<InboxConversation>;
  /** Closed → human; 409 `conversation_already_open` if the contact has another open one. */
  reopen(viewer: InboxViewer, conversationId: string): Promise<InboxConversation>;
  /** The organization's activity, live, for one of the viewer's streams (at most 10 each). */
  follow(viewer: InboxViewer, onActivity: Parameters<typeof followInbox>[2]): Promise<InboxFollow>;
}

export function createInboxService(deps: InboxServiceDeps): InboxService {
  const { db, dialect, store, now } = deps;
  const streamLimits = deps.streamLimits ?? INBOX_STREAM_LIMITS;

  async function rowOf(viewer: InboxViewer, conversationId: string) {
    const row = await findInboxRow(db, viewer, conversationId);
    if (row === undefined) throw new HilalError('conversation_not_found');
    return row;
  }

  /** Announces the change to every agent of the organization and returns the fresh row. */
  async function changed(viewer: InboxViewer, conversationId: string) {
    const conversation = toInboxConversation(await rowOf(viewer, conversationId));
    await publishInboxActivity(store, viewer.organizationId, {
      conversationId,
      lastActivityAt: conversation.lastActivityAt,
    });
    return conversation;
  }

  return {
    streamLimits,

    async list(viewer, query) {
      const limit = query.limit === undefined ? DEFAULT_PAGE : Number(query.limit);
      const after = query.cursor === undefined ? undefined : decodeInboxCursor(query.cursor);
      if (query.cursor !== undefined && after === undefined) {
        throw new HilalError('invalid_request');
      }
      const q = query.q?.trim();
      const filters: InboxFilters = {
        status: query.status,
        identity: query.identity,
        assignee: query.assignee,
        botId: query.botId,
        search: q ? contactMatches(dialect, q) : undefined,
      };
      // One row more than the page tells whether another page follows. The three statements
      // are independent: on PostgreSQL they run at once, on separate connections of the pool.
      const [rows, counts, unreadTotal] = await Promise.all([
        inboxPageQuery(db, viewer, filters, { limit: limit + 1, after }).execute(),
        countInbox(db, viewer, filters),
        countUnread(db, viewer),
      ]);
      const page = rows.slice(0, limit).map(toInboxConversation);
      const last = page.at(-1);
      return {
        conversations: page,
        nextCursor:
          rows.length > limit && last !== undefined
            ? encodeInboxCursor({ lastActivityAt: last.lastActivityAt, id: last.id })
            : null,
        counts,
        unreadTotal,
      };
    },

    async thread(viewer, conversationId) {
      const row = await rowOf(viewer, conversationId);
      const conversation = toInboxConversation(row);
      // Independent reads: on PostgreSQL they run at once, on separate connections.
      const [messages, panel] = await Promise.all([
        listMessages(db, viewer.organizationId, row.id, { limit: THREAD_MESSAGES }),
        contactPanel(db, viewer.organizationId, row),
      ]);
      return { conversation, messages, unread: conversation.unread, ...panel };
    },

    async reply(viewer, conversationId, rawText) {
      const text = readMessageText(rawText);
      const { organizationId } = viewer;
      const row = await rowOf(viewer, conversationId);
      const nowMs = now();
      // A human has taken over: the bot stops answering in this conversation. The message and
      // that change are one write (one statement on PostgreSQL).
      const { message } = await storeMessage(
        db,
        dialect,
        {
          organizationId,
          conversationId: row.id,
          clientMessageId: null,
          author: 'agent',
          text,
          identitySource: row.identity,
        },
        { status: 'human' },
        nowMs,
      );
      // Issued together, they leave for Redis in one write.
      await Promise.all([
        publishChatEvent(store, row.contact_id, { type: 'message', message }),
        publishInboxActivity(store, organizationId, {
          conversationId: row.id,
          lastActivityAt: nowMs,
        }),
      ]);
      return message;
    },

    async markRead(viewer, conversationId) {
      const row = await rowOf(viewer, conversationId);
      const lastReadSeq = await markConversationRead(db, dialect, viewer, row.id, now());
      return { lastReadSeq, unread: false, unreadTotal: await countUnread(db, viewer) };
    },

    async assign(viewer, conversationId) {
      const row = await rowOf(viewer, conversationId);
      await setAssignee(db, viewer.organizationId, row.id, viewer.userId);
      return changed(viewer, row.id);
    },

    async unassign(viewer, conversationId) {
      const row = await rowOf(viewer, conversationId);
      await setAssignee(db, viewer.organizationId, row.id, null);
      return changed(viewer, row.id);
    },

    async close(viewer, conversationId) {
      const row = await rowOf(viewer, conversationId);
      await touchConversation(db, viewer.organizationId, row.id, { status: 'closed' }, now());
      return changed(viewer, row.id);
    },

    async reopen(viewer, conversationId) {
      const row = await rowOf(viewer, conversationId);
      if (row.status === 'closed') {
        await reopenConversation(db, viewer.organizationId, row, now());
      }
      return changed(viewer, row.id);
    },

    follow: (viewer, onActivity) =>
      followInbox({ store, now, limits: streamLimits }, viewer, onActivity),
  };
}
