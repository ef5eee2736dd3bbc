import type { InboxThreadResponse, MarkedValue } from '@hilal/contract/admin-api';
import type { ChatMessage } from '@hilal/contract/widget-api';
import { type FormEvent, type KeyboardEvent, useEffect } from 'react';
import { Link } from 'react-router';
import { contactLabel, formatTime, STATUS_LABELS } from './conversation-labels';
import { IdentityBadge } from './IdentityBadge';
import {
  type ConversationAction,
  useConversationAction,
  useMarkRead,
  useReply,
  useThread,
} from './inbox-api';

export const REPLY_ID = 'inbox-reply';

const AUTHOR_LABELS = { visitor: 'Visitor', bot: 'Bot', agent: 'Agent' } as const;
const SOURCE_LABELS = {
  verified: 'verified',
  'self-reported': 'self-reported',
  anonymous: 'anonymous',
} as const;

/** One conversation: its header and actions, its messages, "Reply", and the contact panel. */
export function ConversationView({ id }: { id: string }) {
  const thread = useThread(id);
  const markRead = useMarkRead();
  const unread = thread.data?.unread === true;
  const { mutate: markReadNow } = markRead;

  // Opening a conversation reads it; so does a new visitor message arriving while it is open.
  useEffect(() => {
    if (unread) markReadNow(id);
  }, [id, unread, markReadNow]);

  if (thread.isPending) return <p role="status">Loading the conversation…</p>;
  if (thread.isError)
    return (
      <p role="alert" className="error">
        {thread.error.message}
      </p>
    );
  return <ConversationDetail data={thread.data} />;
}

function ConversationDetail({ data }: { data: InboxThreadResponse }) {
  const { conversation, messages } = data;
  return (
    <div className="conversation-detail">
      <section className="conversation-main stack" aria-labelledby="conversation-heading">
        <header className="conversation-header stack">
          <h2 id="conversation-heading">{contactLabel(conversation.contact)}</h2>
          <p className="actions">
            <IdentityBadge source={conversation.badge} />
            <span>{STATUS_LABELS[conversation.status]}</span>
            <span className="muted">
              {conversation.assignee ? `Assigned to ${conversation.assignee.email}` : 'Unassigned'}
            </span>
          </p>
          <ConversationActions data={data} />
        </header>
        <ol className="messages" aria-label="Messages">
          {messages.map((message) => (
            <MessageItem key={message.id} message={message} />
          ))}
        </ol>
        <ReplyForm conversationId={conversation.id} />
      </section>
      <ContactPanel data={data} />
    </div>
  );
}

function MessageItem({ message }: { message: ChatMessage }) {
  return (
    <li className={`message message-${message.author}`}>
      <p className="message-meta">
        <strong>{AUTHOR_LABELS[message.author]}</strong>
        {message.author === 'visitor' && (
          <span className="muted"> · {SOURCE_LABELS[message.identitySource]}</span>
        )}
        <span className="muted"> · {formatTime(message.createdAt)}</span>
      </p>
      <p className="message-text">{message.text}</p>
    </li>
  );
}

function ConversationActions({ data }: { data: InboxThreadResponse }) {
  const action = useConversationAction();
  const { conversation } = data;
  const button = (name: ConversationAction, label: string) => (
    <button
      type="button"
      className="secondary"
      disabled={action.isPending}
      onClick={() => action.mutate({ id: conversation.id, action: name })}
    >
      {label}
    </button>
  );
  return (
    <>
      <div className="actions">
        {conversation.assignee ? button('unassign', 'Unassign') : button('assign', 'Assign to me')}
        {conversation.status === 'closed' ? button('reopen', 'Reopen') : button('close', 'Close')}
      </div>
      {action.isError && (
        <p role="alert" className="error">
          {action.error.message}
        </p>
      )}
    </>
  );
}

function ReplyForm({ conversationId }: { conversationId: string }) {
  const reply = useReply();

  function send(form: HTMLFormElement) {
    const field = form.elements.namedItem('text') as HTMLTextAreaElement;
    const text = field.value.trim();
    if (text === '' || reply.isPending) return;
    reply.mutate({ id: conversationId, text }, { onSuccess: () => form.reset() });
  }

  return (
    <form
      className="reply stack"
      onSubmit={(event: FormEvent<HTMLFormElement>) => {
        event.preventDefault();
        send(event.currentTarget);
      }}
    >
      <label htmlFor={REPLY_ID}>Reply</label>
      <textarea
        id={REPLY_ID}
        name="text"
        rows={3}
        aria-describedby="reply-hint"
        onKeyDown={(event: KeyboardEvent<HTMLTextAreaElement>) => {
          if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing) return;
          event.preventDefault();
          if (event.currentTarget.form) send(event.currentTarget.form);
        }}
      />
      <p id="reply-hint" className="muted">
        Enter sends, Shift+Enter starts a new line.
      </p>
      <div className="actions">
        <button type="submit" disabled={reply.isPending}>
          Send
        </button>
      </div>
      {reply.isError && (
        <p role="alert" className="error">
          {reply.error.message}
        </p>
      )}
    </form>
  );
}

function Detail({ label, value }: { label: string; value: MarkedValue }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>
        {value ? (
          <>
            <span className="contact-value">{value.value}</span>{' '}
            <span className={`marker marker-${value.source}`}>{value.source}</span>
          </>
        ) : (
          <span className="muted">Not known</span>
        )}
      </dd>
    </div>
  );
}

function ContactPanel({ data }: { data: InboxThreadResponse }) {
  const { contact, conversation, otherConversations } = data;
  return (
    <aside className="contact-panel stack" aria-labelledby="contact-heading">
      <h2 id="contact-heading">Contact</h2>
      <p>
        <IdentityBadge source={conversation.badge} />
      </p>
      {data.impersonationWarning && (
        <p role="alert" className="notice warning">
          This self-reported email belongs to a verified user of this chatbot
        </p>
      )}
      <dl className="contact-details">
        <Detail label="User id" value={contact.userId} />
        <Detail label="Name" value={contact.name} />
        <Detail label="Email" value={contact.email} />
      </dl>
      <h3>Other conversations</h3>
      {otherConversations.length === 0 ? (
        <p className="muted">None</p>
      ) : (
        <ul aria-label="Other conversations">
          {otherConversations.map((other) => (
            <li key={other.id}>
              <Link to={`/inbox?conversation=${encodeURIComponent(other.id)}`}>
                {formatTime(other.lastActivityAt)}
              </Link>{' '}
              <span className="muted">{STATUS_LABELS[other.status]}</span>
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
