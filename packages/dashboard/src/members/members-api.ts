import type {
  AdminRole,
  CreateMemberBody,
  CreateMemberResponse,
  Member,
  MembersResponse,
} from '@hilal/contract/admin-api';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { CURRENT_USER_KEY } from '../accounts/use-session';
import { apiRequest } from '../api/api-client';
import { readAs } from '../api/read';

/** docs/contract.md §7 Accounts; README "HTTP API" `/api/admin/members`, owners only. */
export const MEMBERS_KEY = ['members'] as const;

export function useMembers() {
  return useQuery({
    queryKey: MEMBERS_KEY,
    queryFn: async () =>
      readAs<MembersResponse>(await apiRequest('GET', '/api/admin/members'), 'members').members,
  });
}

/** Adds a member; the answer holds their first password, shown once and never cached. */
export function useAddMember() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: CreateMemberBody) =>
      readAs<CreateMemberResponse>(await apiRequest('POST', '/api/admin/members', body), 'member'),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: MEMBERS_KEY }),
  });
}

export function useChangeRole() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, role }: { id: string; role: AdminRole }) =>
      readAs<Member>(
        await apiRequest('PATCH', `/api/admin/members/${encodeURIComponent(id)}`, { role }),
        'role',
      ),
    onSettled: async () => {
      await queryClient.invalidateQueries({ queryKey: MEMBERS_KEY });
      // An owner who demoted themselves (another owner remains) loses this screen at once.
      await queryClient.invalidateQueries({ queryKey: CURRENT_USER_KEY });
    },
  });
}

export function useRemoveMember() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      apiRequest('DELETE', `/api/admin/members/${encodeURIComponent(id)}`),
    onSettled: () => queryClient.invalidateQueries({ queryKey: MEMBERS_KEY }),
  });
}
