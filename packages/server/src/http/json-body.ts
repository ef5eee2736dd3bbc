import type { FastifyInstance } from 'fastify';
import { HilalError } from '../errors.js';

/**
 * Every request body is read as JSON, whatever its content type: a widget may send `text/plain`
 * to spare the browser a CORS preflight, and docs/contract.md §4 says a body that is not JSON is a 400.
 * Parse failures become `invalid_json` without the parser's message, which quotes the input.
 */
export function installJsonBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  const parseJson = (
    _request: unknown,
    body: string | Buffer,
    done: (error: Error | null, value?: unknown) => void,
  ) => {
    try {
      done(null, JSON.parse(typeof body === 'string' ? body : body.toString('utf8')));
    } catch {
      done(new HilalError('invalid_json'), undefined);
    }
  };
  // The exact types first: Fastify finds them by a map lookup, the catch-all by a search.
  app.addContentTypeParser(['application/json', 'text/plain'], { parseAs: 'string' }, parseJson);
  app.addContentTypeParser('*', { parseAs: 'string' }, parseJson);
}
