import type { FastifyError, FastifyInstance } from 'fastify';
import { ERROR_CODES, errorBody, HilalError } from '../errors.js';
import { isUnavailableError } from '../ops/is-unavailable-error.js';
import { frameworkErrorCode } from './framework-errors.js';

/**
 * The one error handler of the app. Clients get a code and a fixed message from `ERROR_CODES`,
 * never the error's own message (Fastify's default handler echoes it, and a JSON parse error
 * quotes the body, which may hold a token). Only unexpected errors are logged, with their cause.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | HilalError, request, reply) => {
    if (error instanceof HilalError) {
      return reply
        .code(error.status)
        .headers(error.headers)
        .send(errorBody(error.code, error.fields));
    }
    if (error.validation !== undefined) {
      return reply.code(400).send(errorBody('invalid_request'));
    }
    // Fastify's own errors (a body too large, a content type no parser takes, …).
    const code = frameworkErrorCode(error);
    if (code !== 'internal') return reply.code(ERROR_CODES[code].status).send(errorBody(code));
    // docs/contract.md §11: the database or Redis is away; the client retries, the process lives on.
    if (isUnavailableError(error)) {
      request.log.warn(
        { reqId: request.id, err: { type: error.name, code: error.code } },
        'a dependency is unavailable',
      );
      return reply.code(503).send(errorBody('unavailable'));
    }
    request.log.error(
      { reqId: request.id, err: { type: error.name, code: error.code, stack: error.stack } },
      'unexpected error',
    );
    return reply.code(500).send(errorBody('internal'));
  });

  app.setNotFoundHandler((_request, reply) => reply.code(404).send(errorBody('not_found')));
}
