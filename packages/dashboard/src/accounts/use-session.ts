import type { AdminUser, SignInBody } from '@hilal/contract/admin-api';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { fetchCurrentUser, signIn, signOut } from './accounts-api';

/** The query that knows who is signed in: `null` when nobody is. */
export const CURRENT_USER_KEY = ['accounts', 'me'] as const;

export function useCurrentUser() {
  return useQuery({ queryKey: CURRENT_USER_KEY, queryFn: fetchCurrentUser });
}

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (credentials: SignInBody) => signIn(credentials),
    onSuccess: (user) => queryClient.setQueryData<AdminUser | null>(CURRENT_USER_KEY, user),
  });
}

/** Signs out on the server, then forgets everything the previous user could see. */
export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: signOut,
    onSuccess: () => {
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'accounts' });
      queryClient.setQueryData<AdminUser | null>(CURRENT_USER_KEY, null);
    },
  });
}
