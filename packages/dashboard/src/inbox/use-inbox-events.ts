import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { INBOX_KEY } from './inbox-api';

/** How long to wait before opening the stream again once the server refused or ended it. */
const RETRY_MS = 5_000;

/**
 * Reads `GET /api/admin/events` (same origin, so the sign-in cookie goes along) while the inbox
 * is on screen: each `conversation` event refetches the list and the open conversation, so new
 * conversations and messages appear without a reload. EventSource reconnects by itself after a
 * dropped connection; a refusal (429 `too_many_inbox_streams`) closes it, so it is reopened here.
 */
export function useInboxEvents(): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const open = () => {
      source = new EventSource('/api/admin/events');
      source.addEventListener('conversation', () => {
        void queryClient.invalidateQueries({ queryKey: INBOX_KEY });
      });
      source.addEventListener('error', () => {
        if (source?.readyState !== EventSource.CLOSED) return;
        retry = setTimeout(open, RETRY_MS);
      });
    };
    open();
    return () => {
      clearTimeout(retry);
      source?.close();
    };
  }, [queryClient]);
}
