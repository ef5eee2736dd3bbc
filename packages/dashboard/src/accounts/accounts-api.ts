import type { AdminUser, ChangePasswordBody, SignInBody } from '@hilal/contract/admin-api';
import { ApiError, apiRequest, isRecord } from '../api/api-client';
import { isRole } from './roles';

/** `{ user }` of `POST /api/auth/login` and `GET /api/auth/me`, narrowed from what arrived. */
function readUser(payload: unknown): AdminUser {
  const user = isRecord(payload) ? payload.user : undefined;
  if (
    isRecord(user) &&
    typeof user.id === 'string' &&
    typeof user.email === 'string' &&
    typeof user.organizationId === 'string' &&
    isRole(user.role)
  )
    return { id: user.id, email: user.email, role: user.role, organizationId: user.organizationId };
  throw new ApiError(200, 'unexpected', 'The server sent an answer the dashboard cannot read.');
}

/** Who is signed in, or `null` when nobody is (401). */
export async function fetchCurrentUser(): Promise<AdminUser | null> {
  try {
    return readUser(await apiRequest('GET', '/api/auth/me'));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export async function signIn(credentials: SignInBody): Promise<AdminUser> {
  return readUser(await apiRequest('POST', '/api/auth/login', credentials));
}

export async function signOut(): Promise<void> {
  await apiRequest('POST', '/api/auth/logout');
}

/** Everyone's own password; the user's other dashboard sessions end (README "HTTP API"). */
export async function changePassword(body: ChangePasswordBody): Promise<void> {
  await apiRequest('POST', '/api/auth/password', body);
}
