import type { FastifyInstance } from 'fastify';
import { HilalError } from '../errors.js';

/**
 * docs/contract.md §10: U+0000 in any text field, path or query parameter gets 400 `invalid_character`.
 * PostgreSQL cannot store it in `text` and would answer with an error mid-request, so it is
 * refused here, for every route at once, before any handler or database sees it.
 */
export function rejectNulCharacters(app: FastifyInstance): void {
  // A NUL in the path or query can only arrive percent-encoded (Node refuses a raw one).
  app.addHook('onRequest', (request, _reply, done) => {
    done(request.url.includes('%00') ? new HilalError('invalid_character') : undefined);
  });
  app.addHook('preValidation', (request, _reply, done) => {
    done(holdsNul(request.body) ? new HilalError('invalid_character') : undefined);
  });
}

/** Whether any string in a parsed JSON value, key or value, holds U+0000. */
export function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some(holdsNul);
  for (const key in value) {
    if (key.includes('\u0000') || holdsNul((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}
