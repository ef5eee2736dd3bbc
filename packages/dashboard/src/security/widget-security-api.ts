import type {
  GeneratedSecret,
  SecretStatus,
  TokenCheck,
  WidgetSecurity,
} from '@hilal/contract/admin-api';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../api/api-client';
import { readAs } from '../api/read';

/** docs/contract.md §7 "The Widget Security card"; README "HTTP API", owners and admins. */
const securityKey = (botId: string) => ['chatbots', botId, 'security'] as const;
const botPath = (botId: string) => `/api/admin/bots/${encodeURIComponent(botId)}`;

export function useWidgetSecurity(botId: string) {
  return useQuery({
    queryKey: securityKey(botId),
    queryFn: async () =>
      readAs<WidgetSecurity>(await apiRequest('GET', `${botPath(botId)}/security`), 'status'),
  });
}

/** Regenerate: the full secret comes back here, once; it is never cached. */
export function useRegenerateSecret(botId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () =>
      readAs<GeneratedSecret>(
        await apiRequest('POST', `${botPath(botId)}/secret/regenerate`),
        'secret',
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: securityKey(botId) }),
  });
}

/** Save, Cancel or Clear: each answers with the new status. */
export function useSecretAction(botId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (action: 'save' | 'cancel' | 'clear') =>
      readAs<SecretStatus>(
        action === 'clear'
          ? await apiRequest('DELETE', `${botPath(botId)}/secret`)
          : await apiRequest('POST', `${botPath(botId)}/secret/${action}`),
        'state',
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: securityKey(botId) }),
  });
}

/** "Check a token": nothing pasted is kept, here or on the server. */
export function useCheckToken(botId: string) {
  return useMutation({
    mutationFn: async (token: string) =>
      readAs<TokenCheck>(
        await apiRequest('POST', `${botPath(botId)}/secret/check`, { token }),
        'verified',
      ),
  });
}
