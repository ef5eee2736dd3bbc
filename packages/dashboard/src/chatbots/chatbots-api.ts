import type {
  BotSummary,
  BotsResponse,
  ChatbotDetail,
  CreateKnowledgeEntryBody,
  KnowledgeEntriesResponse,
  KnowledgeEntry,
  UpdateBotBody,
  UpdateKnowledgeEntryBody,
} from '@hilal/contract/admin-api';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../api/api-client';
import { readAs } from '../api/read';

/** docs/contract.md §7 Chatbots; README "HTTP API" `/api/admin/bots…`, owners and admins. */
const BOTS_KEY = ['chatbots'] as const;
const botKey = (botId: string) => ['chatbots', botId] as const;
const knowledgeKey = (botId: string) => ['chatbots', botId, 'knowledge'] as const;
const botPath = (botId: string) => `/api/admin/bots/${encodeURIComponent(botId)}`;

export function useBots() {
  return useQuery({
    queryKey: BOTS_KEY,
    queryFn: async () =>
      readAs<BotsResponse>(await apiRequest('GET', '/api/admin/bots'), 'bots').bots,
  });
}

export function useCreateBot() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (name: string) =>
      readAs<ChatbotDetail>(await apiRequest('POST', '/api/admin/bots', { name }), 'settings'),
    onSuccess: (bot) => {
      queryClient.setQueryData(botKey(bot.id), bot);
      return queryClient.invalidateQueries({ queryKey: BOTS_KEY, exact: true });
    },
  });
}

export function useBot(botId: string) {
  return useQuery({
    queryKey: botKey(botId),
    queryFn: async () => readAs<ChatbotDetail>(await apiRequest('GET', botPath(botId)), 'settings'),
  });
}

/** Saves some settings; a 400 `invalid_settings` carries `fields` (ApiError.fields). */
export function useUpdateBot(botId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: UpdateBotBody) =>
      readAs<ChatbotDetail>(await apiRequest('PATCH', botPath(botId), body), 'settings'),
    onSuccess: (bot) => {
      queryClient.setQueryData(botKey(botId), bot);
      queryClient.setQueryData<BotSummary[]>(BOTS_KEY, (bots) =>
        bots?.map((summary) => (summary.id === bot.id ? { id: bot.id, name: bot.name } : summary)),
      );
    },
  });
}

export function useKnowledge(botId: string) {
  return useQuery({
    queryKey: knowledgeKey(botId),
    queryFn: async () =>
      readAs<KnowledgeEntriesResponse>(
        await apiRequest('GET', `${botPath(botId)}/knowledge`),
        'entries',
      ).entries,
  });
}

export function useAddEntry(botId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: CreateKnowledgeEntryBody) =>
      readAs<KnowledgeEntry>(await apiRequest('POST', `${botPath(botId)}/knowledge`, body), 'id'),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: knowledgeKey(botId) }),
  });
}

export function useUpdateEntry(botId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, ...body }: UpdateKnowledgeEntryBody & { id: string }) =>
      readAs<KnowledgeEntry>(
        await apiRequest('PATCH', `${botPath(botId)}/knowledge/${encodeURIComponent(id)}`, body),
        'id',
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: knowledgeKey(botId) }),
  });
}

export function useDeleteEntry(botId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      apiRequest('DELETE', `${botPath(botId)}/knowledge/${encodeURIComponent(id)}`),
    onSettled: () => queryClient.invalidateQueries({ queryKey: knowledgeKey(botId) }),
  });
}
