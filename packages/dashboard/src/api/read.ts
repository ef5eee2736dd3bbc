import { ApiError, isRecord } from './api-client';

/**
 * The server's answer as the contract's type, once it has the field that type is known by: the
 * server serializes with the same schemas (`@hilal/contract/admin-api`), so a deeper check would
 * only repeat them. Anything else (a proxy's page) is an error the user can read.
 */
export function readAs<T>(payload: unknown, key: string): T {
  if (isRecord(payload) && key in payload) return payload as T;
  throw new ApiError(200, 'unexpected', 'The server sent an answer the dashboard cannot read.');
}
