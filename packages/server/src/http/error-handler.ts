import type { FastifyError, FastifyInstance } from 'fastify';
import { ERROR_CODES, type ErrorCode, errorBody, HilalError } from '../errors.js';

// Fastify's own errors that are the client's fault, mapped onto our stable codes.
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
};

/**
 * The one error handler of the app. Clients get a code and a fixed message from `ERROR_CODES`,
 * never the error's own message (Fastify's default handler echoes it, and a JSON parse error
 * quotes the body, which may hold a token). Only unexpected errors are logged, with their cause.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | HilalError, request, reply) => {
    if (error instanceof HilalError) {
      return reply.code(error.status).headers(error.headers).send(errorBody(error.code));
    }
    if (error.validation !== undefined) {
      return reply.code(400).send(errorBody('invalid_request'));
    }
    const mapped = error.code === undefined ? undefined : FASTIFY_CODES[error.code];
    if (mapped !== undefined) return reply.code(ERROR_CODES[mapped].status).send(errorBody(mapped));
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(400).send(errorBody('invalid_request'));
    }
    request.log.error(
      { reqId: request.id, err: { type: error.name, code: error.code, stack: error.stack } },
      'unexpected error',
    );
    return reply.code(500).send(errorBody('internal'));
  });

  app.setNotFoundHandler((_request, reply) => reply.code(404).send(errorBody('not_found')));
}
