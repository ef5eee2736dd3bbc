import type { FastifyInstance } from 'fastify';
import { HilalError } from '../errors.js';

/**
 * Every request body is read as JSON, whatever its content type: a widget may send `text/plain`
 * to spare the browser a CORS preflight, and SPEC §4 says a body that is not JSON is a 400.
 * Parse failures become `invalid_json` without the parser's message, which quotes the input.
 */
export function installJsonBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, JSON.parse(typeof body === 'string' ? body : body.toString('utf8')));
    } catch {
      done(new HilalError('invalid_json'), undefined);
    }
  });
}
