import type {
  AgentReplyResponse,
  BotsResponse,
  InboxConversationResponse,
  InboxListQuery,
  InboxListResponse,
  InboxThreadResponse,
  MarkReadResponse,
} from '@hilal/contract/admin-api';
import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { apiRequest } from '../api/api-client';
import { readAs } from '../api/read';

/** docs/contract.md §7 Inbox; README "HTTP API" `/api/admin/conversations…`, every role. */
export const INBOX_KEY = ['inbox'] as const;

/** The list's filters, as the query string sends them (absent: no filter). */
export type InboxFilters = Omit<InboxListQuery, 'limit' | 'cursor'>;

const conversationPath = (id: string) => `/api/admin/conversations/${encodeURIComponent(id)}`;

export function useConversationList(filters: InboxFilters) {
  return useInfiniteQuery({
    queryKey: [...INBOX_KEY, 'list', filters],
    initialPageParam: '',
    queryFn: async ({ pageParam }) => {
      const query = new URLSearchParams();
      for (const [name, value] of Object.entries(filters))
        if (value !== undefined && value !== '') query.set(name, value);
      if (pageParam) query.set('cursor', pageParam);
      return readAs<InboxListResponse>(
        await apiRequest('GET', `/api/admin/conversations?${query}`),
        'conversations',
      );
    },
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // A filter change keeps the rows on screen until the new ones arrive.
    placeholderData: keepPreviousData,
  });
}

export function useThread(id: string | null) {
  return useQuery({
    queryKey: [...INBOX_KEY, 'thread', id],
    enabled: id !== null,
    queryFn: async () =>
      readAs<InboxThreadResponse>(await apiRequest('GET', conversationPath(id ?? '')), 'messages'),
  });
}

/**
 * The organization's chatbots for the "Chatbot" filter. Agents may not list them (owners and
 * admins only), so for them the filter offers the chatbots of the conversations on screen.
 */
export function useInboxBots() {
  return useQuery({
    queryKey: ['inbox-bots'],
    retry: false,
    staleTime: 300_000,
    queryFn: async () =>
      readAs<BotsResponse>(await apiRequest('GET', '/api/admin/bots'), 'bots').bots,
  });
}

export function useMarkRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) =>
      readAs<MarkReadResponse>(
        await apiRequest('POST', `${conversationPath(id)}/read`),
        'lastReadSeq',
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: INBOX_KEY }),
  });
}

export function useReply() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, text }: { id: string; text: string }) =>
      readAs<AgentReplyResponse>(
        await apiRequest('POST', `${conversationPath(id)}/messages`, { text }),
        'message',
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: INBOX_KEY }),
  });
}

export type ConversationAction = 'assign' | 'unassign' | 'close' | 'reopen';

export function useConversationAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, action }: { id: string; action: ConversationAction }) =>
      readAs<InboxConversationResponse>(
        await apiRequest('POST', `${conversationPath(id)}/${action}`),
        'conversation',
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: INBOX_KEY }),
  });
}
