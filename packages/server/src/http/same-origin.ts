import type { FastifyRequest } from 'fastify';
import { HilalError } from '../errors.js';

// RFC 9110 §9.2.1: the methods that change nothing on the server.
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses a state-changing request whose `Origin` is another site's: 403 `foreign_origin`
 * (docs/contract.md §10). Browsers send `Origin` on every cross-origin POST, including the simple
 * `text/plain` form posts that need no CORS preflight; a request without `Origin` comes from a
 * client that is not a browser page, or from our own page in an older browser, and passes.
 *
 * The server's own origin is `HILAL_PUBLIC_URL` when it is set (behind a proxy that rewrites the
 * Host header), else the scheme and host the request was sent to (`trustProxy` decides whether
 * `X-Forwarded-Proto` and `X-Forwarded-Host` count).
 *
 * @example
 * assertSameOrigin(request, config.publicUrl); // throws HilalError('foreign_origin')
 */
export function assertSameOrigin(request: FastifyRequest, publicUrl: string | undefined): void {
  const origin = request.headers.origin;
  if (origin === undefined || SAFE_METHODS.has(request.method)) return;
  const own = publicUrl ?? `${request.protocol}://${request.host}`;
  const claimed = originOf(origin);
  // `null` (a sandboxed or privacy-sensitive context) and anything unparseable are foreign.
  if (claimed === undefined || claimed !== originOf(own)) throw new HilalError('foreign_origin');
}

/** The serialized origin (RFC 6454 §6.1: lowercase scheme and host, default port dropped). */
function originOf(url: string): string | undefined {
  try {
    const { origin } = new URL(url);
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}
