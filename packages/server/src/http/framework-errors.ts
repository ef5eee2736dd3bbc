import http from 'node:http';
import type { Socket } from 'node:net';
import type {
  ConnectionError,
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
} from 'fastify';
import { ERROR_CODES, type ErrorCode, errorBody } from '../errors.js';

/**
 * The framework's own errors (Fastify's, and those of node's HTTP parser before Fastify sees a
 * request), mapped onto our stable codes. docs/contract.md §10: they answer with the error shape too, and
 * never with their own messages, which quote the path. The README documents the codes.
 */
const FRAMEWORK_CODES: Readonly<Record<string, ErrorCode>> = {
  // Fastify's router
  FST_ERR_BAD_URL: 'invalid_url',
  FST_ERR_INVALID_URL: 'invalid_url',
  FST_ERR_MAX_PARAM_LENGTH: 'url_too_long',
  FST_ERR_NOT_FOUND: 'not_found',
  // Fastify's body reading and validation
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
  FST_ERR_VALIDATION: 'invalid_request',
  // node's HTTP parser (llhttp error names); any other parser error is `invalid_request`
  HPE_INVALID_URL: 'invalid_url',
  HPE_HEADER_OVERFLOW: 'headers_too_large',
  ERR_HTTP_REQUEST_TIMEOUT: 'request_timeout',
};

/**
 * The code a framework error answers with: from the table, else `invalid_request` for what the
 * framework calls the client's fault (a 4xx), else `internal`.
 */
export function frameworkErrorCode(error: { code?: string; statusCode?: number }): ErrorCode {
  const mapped = error.code === undefined ? undefined : FRAMEWORK_CODES[error.code];
  if (mapped !== undefined) return mapped;
  const status = error.statusCode ?? 500;
  return status >= 400 && status < 500 ? 'invalid_request' : 'internal';
}

/**
 * Fastify's `frameworkErrors` option: errors its router raises before any route or hook runs
 * (a bad percent-encoding, a path parameter over `maxParamLength`).
 */
export function frameworkErrors(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const code = frameworkErrorCode(error);
  if (code === 'internal') {
    // The type and code only: Fastify's messages for these errors quote the path.
    request.log.error({ err: { type: error.name, code: error.code } }, 'framework error');
  }
  reply.code(ERROR_CODES[code].status).send(errorBody(code));
}

/**
 * Fastify's `clientErrorHandler` option: node's HTTP parser refused the bytes (a garbage request
 * line, a malformed or oversized header, a timeout), so there is no request to answer through
 * Fastify and the response is written on the socket. It is written only while nothing else has
 * been, so that it never lands inside another response on a kept-alive connection.
 */
export function clientErrorHandler(
  this: FastifyInstance,
  error: ConnectionError,
  socket: Socket,
): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  // The code only: the error carries the raw bytes it refused (`rawPacket`).
  this.log.debug({ code: error.code }, 'client error');
  if (!socket.writable || socket.bytesWritten > 0) {
    socket.destroy();
    return;
  }
  const code = FRAMEWORK_CODES[error.code] ?? 'invalid_request';
  const { status } = ERROR_CODES[code];
  const body = JSON.stringify(errorBody(code));
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
    () => socket.destroy(),
  );
}
