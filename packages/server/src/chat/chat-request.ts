import type { FastifyRequest } from 'fastify';
import { bearerCredential } from '../identity/request-session.js';

/**
 * What a chat API request carries, in its headers or, for a CORS-simple request (README "HTTP
 * API": a `text/plain` JSON body and no custom header, which spares the browser a preflight), in
 * its body: the credential (`Authorization: Bearer` or `session`), the widget's belief
 * (`X-Hilal-Identity-Source` or `identity`) and where a stream resumes (`Last-Event-ID` or
 * `lastEventId`). A header wins over the body. Never a URL: it would end up in logs.
 */
export const IDENTITY_HEADER = 'x-hilal-identity-source';

export interface ChatRequestParts {
  readonly credential: string | undefined;
  readonly claimed: string | undefined;
  readonly lastEventId: string | undefined;
}

export function chatRequestParts(request: FastifyRequest): ChatRequestParts {
  const { headers } = request;
  const body: unknown = request.body;
  const fromBody = (key: string): string | undefined => {
    if (typeof body !== 'object' || body === null || !Object.hasOwn(body, key)) return undefined;
    const value: unknown = Reflect.get(body, key);
    return typeof value === 'string' ? value : undefined;
  };
  const header = headers[IDENTITY_HEADER];
  const resume = headers['last-event-id'];
  return {
    credential: bearerCredential(request) ?? fromBody('session'),
    claimed: typeof header === 'string' ? header : fromBody('identity'),
    lastEventId: typeof resume === 'string' ? resume : fromBody('lastEventId'),
  };
}
