// The one client for the admin API (README "HTTP API"). Same-origin requests with the
// `hilal_admin` cookie; every non-GET request carries `X-Hilal-CSRF: 1` (which a cross-site page
// cannot send without a preflight that these routes never grant) and a JSON body, since the
// dashboard's routes read `application/json` only.
import type { FieldProblem } from '@hilal/contract/admin-api';

/** What went wrong, as the server said it: `code` is its `error` (README "Error codes"). */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    /** The HTTP status; 0 when no answer arrived. */
    readonly status: number,
    /** The server's stable code, `network` when no answer arrived, `unexpected` for a foreign answer. */
    readonly code: string,
    message: string,
    /** Per-field problems of the "see fields" errors (`invalid_settings`, …); empty otherwise. */
    readonly fields: readonly FieldProblem[] = [],
  ) {
    super(message);
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Sends one request and returns the parsed JSON body (`undefined` for 204). Answers other than
 * 2xx throw an `ApiError` with the server's code and message; callers narrow the `unknown` they
 * get to the type they expect.
 */
export async function apiRequest(method: Method, path: string, body?: unknown): Promise<unknown> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: {} };
  if (method !== 'GET') {
    init.headers = { 'Content-Type': 'application/json', 'X-Hilal-CSRF': '1' };
    init.body = JSON.stringify(body ?? {});
  }
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'network', 'The server could not be reached. Check your connection.');
  }
  const payload = await readJson(response);
  if (response.ok) return payload;
  throw toApiError(response.status, payload);
}

async function readJson(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

/** The error shape `{ error, message }`; anything else (a proxy's page) gets a generic message. */
function toApiError(status: number, payload: unknown): ApiError {
  if (isRecord(payload) && typeof payload.error === 'string' && typeof payload.message === 'string')
    return new ApiError(status, payload.error, payload.message, readFields(payload.fields));
  return new ApiError(status, 'unexpected', `The server answered with status ${status}.`);
}

/** `fields: [{ field, problem }]`, keeping only well-formed items. */
function readFields(value: unknown): FieldProblem[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (item): item is FieldProblem =>
      isRecord(item) && typeof item.field === 'string' && typeof item.problem === 'string',
  );
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
