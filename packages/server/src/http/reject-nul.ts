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

/**
 * Whether any string in a parsed JSON value, key or value, holds U+0000. Walked with a list of
 * what is left rather than by recursion: 16 KiB of `[` nest thousands of levels deep, past the
 * call stack (found by the fuzz suite, test/production/fuzz.test.ts).
 */
export function holdsNul(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item === 'string') {
      if (item.includes('\u0000')) return true;
    } else if (Array.isArray(item)) {
      for (const element of item) pending.push(element);
    } else if (typeof item === 'object' && item !== null) {
      for (const key in item) {
        if (key.includes('\u0000')) return true;
        pending.push((item as Record<string, unknown>)[key]);
      }
    }
  }
  return false;
}
