import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HilalError } from '../errors.js';

/**
 * In the calling plugin's scope, a request body is read only when it is `application/json`
 * (parameters such as `charset` allowed); any other type, or none, is 415
 * `unsupported_media_type`. A cross-site HTML form can post `text/plain`, urlencoded or multipart
 * bodies without a CORS preflight, never JSON — so a route that must not be driven by another
 * site's form takes JSON alone. This overrides, for the scope only, the app-wide parser
 * (`json-body.ts`) that reads every type as JSON for the widget's sake.
 */
export function acceptJsonOnly(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, JSON.parse(String(body)));
    } catch {
      // Not the parser's message: it quotes the input.
      done(new HilalError('invalid_json'), undefined);
    }
  });
  // Checked before parsing, so that every refusal has our code and a route that takes a body
  // refuses an empty one without a content type too (Fastify would not parse it at all).
  app.addHook('onRequest', (request, _reply, done) => {
    const refused = (takesBody(request) || sendsBody(request)) && !isJson(request);
    done(refused ? new HilalError('unsupported_media_type') : undefined);
  });
}

function takesBody(request: FastifyRequest): boolean {
  return request.routeOptions.schema?.body !== undefined;
}

function sendsBody({ headers }: FastifyRequest): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function isJson({ headers }: FastifyRequest): boolean {
  const mediaType = headers['content-type']?.split(';', 1)[0]?.trim().toLowerCase();
  return mediaType === 'application/json';
}
