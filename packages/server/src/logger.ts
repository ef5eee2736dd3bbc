import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DestinationStream, LoggerOptions } from 'pino';
import type { LogLevel } from './config.js';

/** The route a request log names when the request matched no route. */
export const UNMATCHED_ROUTE = '(unmatched)';

/**
 * docs/contract.md §10: a request is logged as its method, its route pattern (`/api/widget/config`,
 * `/api/admin/conversations/:conversationId`) and its id, never its URL: a query string or a
 * path may hold a token. Fastify's own serializer logs the raw URL, the Host header and the
 * client's address.
 */
function serializeRequest(request: FastifyRequest): {
  method: string;
  route: string;
  id: string;
} {
  return {
    method: request.method,
    route: request.routeOptions?.url ?? UNMATCHED_ROUTE,
    id: request.id,
  };
}

function serializeReply(reply: FastifyReply): { statusCode: number } {
  return { statusCode: reply.statusCode };
}

/**
 * Every path that could hold a token, a secret, a cookie or a credential is censored, at any
 * level. Requests are logged with the serializers above; bodies are never logged.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-hilal-session"]',
  'res.headers["set-cookie"]',
  '*.token',
  '*.userToken',
  '*.secret',
  '*.session',
  '*.password',
  '*.authorization',
  '*.cookie',
];

export function loggerOptions(
  level: LogLevel,
  stream?: DestinationStream,
): LoggerOptions & { stream?: DestinationStream } {
  const options: LoggerOptions & { stream?: DestinationStream } = {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { req: serializeRequest, res: serializeReply },
  };
  if (stream !== undefined) options.stream = stream;
  return options;
}
