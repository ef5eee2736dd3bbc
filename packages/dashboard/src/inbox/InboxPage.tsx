import { useEffect, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ConversationView, REPLY_ID } from './ConversationView';
import { contactLabel, formatTime, STATUS_LABELS } from './conversation-labels';
import { IdentityBadge } from './IdentityBadge';
import { InboxFilterBar } from './InboxFilterBar';
import { type InboxFilters, useConversationAction, useConversationList } from './inbox-api';
import { ShortcutsDialog } from './ShortcutsDialog';
import { useInboxEvents } from './use-inbox-events';
import './inbox.css';

/** docs/contract.md §7 Inbox: the conversations, one of them open, for every role. */
export function InboxPage() {
  const [filters, setFilters] = useState<InboxFilters>({ status: 'open', assignee: 'all' });
  const [params] = useSearchParams();
  const openId = params.get('conversation');
  const navigate = useNavigate();
  const list = useConversationList(filters);
  const closeAction = useConversationAction();
  const [showShortcuts, setShowShortcuts] = useState(false);
  useInboxEvents();

  const pages = list.data?.pages ?? [];
  const conversations = pages.flatMap((page) => page.conversations);
  const first = pages[0];
  const unreadTotal = pages.at(-1)?.unreadTotal ?? 0;

  const ids = conversations.map((conversation) => conversation.id);
  const idsKey = ids.join(' ');
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest('input, textarea, select, [contenteditable=""], [contenteditable=true]'))
        return;
      if (document.querySelector('dialog[open]')) return;
      const ordered = idsKey === '' ? [] : idsKey.split(' ');
      // The address, not the last render: a key pressed right after a move must count from there.
      const current = new URLSearchParams(window.location.search).get('conversation') ?? openId;
      const at = current === null ? -1 : ordered.indexOf(current);
      const go = (index: number) => {
        const next = ordered[index];
        if (next) navigate(`/inbox?conversation=${encodeURIComponent(next)}`);
      };
      if (event.key === 'j') go(Math.min(at + 1, ordered.length - 1));
      else if (event.key === 'k') go(Math.max(at - 1, 0));
      else if (event.key === 'r' && openId) document.getElementById(REPLY_ID)?.focus();
      else if (event.key === 'e' && openId) closeAction.mutate({ id: openId, action: 'close' });
      else if (event.key === '?') setShowShortcuts(true);
      else return;
      event.preventDefault();
    }
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [idsKey, openId, navigate, closeAction.mutate]);

  return (
    <>
      <title>{unreadTotal > 0 ? `(${unreadTotal}) Inbox · Hilal` : 'Inbox · Hilal'}</title>
      <div className="inbox-heading">
        <h1>Inbox</h1>
        <button type="button" className="secondary" onClick={() => setShowShortcuts(true)}>
          Keyboard shortcuts
        </button>
      </div>
      <InboxFilterBar
        filters={filters}
        counts={first?.counts}
        botIds={[...new Set(conversations.map((c) => c.botId))]}
        onChange={setFilters}
      />
      {closeAction.isError && (
        <p role="alert" className="error">
          {closeAction.error.message}
        </p>
      )}
      <div className="inbox">
        <section className="inbox-list stack" aria-labelledby="conversations-heading">
          <h2 id="conversations-heading">Conversations</h2>
          {list.isPending && <p role="status">Loading conversations…</p>}
          {list.isError && (
            <p role="alert" className="error">
              {list.error.message}
            </p>
          )}
          {list.data && conversations.length === 0 && (
            <p className="muted">No conversations match these filters.</p>
          )}
          {conversations.length > 0 && (
            <ul className="conversation-list" aria-label="Conversations">
              {conversations.map((conversation) => {
                const current = conversation.id === openId;
                return (
                  <li
                    key={conversation.id}
                    className={`conversation-row${current ? ' current' : ''}`}
                  >
                    <Link
                      to={`/inbox?conversation=${encodeURIComponent(conversation.id)}`}
                      aria-current={current ? 'true' : undefined}
                    >
                      <span className="row-name">{contactLabel(conversation.contact)}</span>
                      {conversation.unread && (
                        <span className="unread-mark">
                          <span aria-hidden="true">● </span>Unread
                        </span>
                      )}
                    </Link>
                    <span className="row-meta">
                      <IdentityBadge source={conversation.badge} />
                      <span className="muted">{STATUS_LABELS[conversation.status]}</span>
                      <span className="muted">{formatTime(conversation.lastActivityAt)}</span>
                    </span>
                  </li>
                );
              })}
            </ul>
          )}
          {list.hasNextPage && (
            <button
              type="button"
              className="secondary"
              disabled={list.isFetchingNextPage}
              onClick={() => list.fetchNextPage()}
            >
              Load more
            </button>
          )}
        </section>
        <section className="inbox-conversation" aria-label="Conversation">
          {openId ? (
            <ConversationView key={openId} id={openId} />
          ) : (
            <p className="muted">Choose a conversation.</p>
          )}
        </section>
      </div>
      {showShortcuts && <ShortcutsDialog onClose={() => setShowShortcuts(false)} />}
    </>
  );
}
