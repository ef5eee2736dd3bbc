import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import { errorBody } from '../errors.js';
import { readStaticFile, sendStaticFile } from '../http/static-file.js';

/** Where the built widget lives: the @hilal/widget workspace package. */
export function widgetScriptPath(): string | undefined {
  try {
    return createRequire(import.meta.url).resolve('@hilal/widget/dist/chat_v3.js');
  } catch {
    return undefined;
  }
}

/**
 * `GET /chat_v3.js` (docs/contract.md §5). Read once at start with the brotli and gzip forms the
 * build wrote beside it, sent by `Accept-Encoding`, each with its own strong ETag, and a short
 * max-age, so a new release reaches pages within minutes while repeat loads cost a 304.
 */
export function registerWidgetScript(app: FastifyInstance): void {
  const file = widgetScriptPath();
  const script =
    file === undefined ? undefined : readStaticFile(file, 'text/javascript; charset=utf-8');
  if (script === undefined)
    app.log.warn('packages/widget/dist/chat_v3.js is missing: run npm run build');

  app.get('/chat_v3.js', async (request, reply) => {
    if (script === undefined) return reply.code(503).send(errorBody('unavailable'));
    reply
      .header('Cache-Control', 'public, max-age=300, stale-while-revalidate=86400')
      .header('Access-Control-Allow-Origin', '*')
      .header('Cross-Origin-Resource-Policy', 'cross-origin');
    return sendStaticFile(request, reply, script);
  });
}
