import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import { errorBody } from '../errors.js';

/** Where the built widget lives: the @hilal/widget workspace package. */
export function widgetScriptPath(): string | undefined {
  try {
    return createRequire(import.meta.url).resolve('@hilal/widget/dist/chat_v3.js');
  } catch {
    return undefined;
  }
}

/**
 * `GET /chat_v3.js` (docs/contract.md §5). Read once at start; served with a strong ETag and a short
 * max-age, so a new release reaches pages within minutes while repeat loads cost a 304.
 */
export function registerWidgetScript(app: FastifyInstance): void {
  const file = widgetScriptPath();
  const body = file === undefined ? undefined : fs.readFileSync(file);
  const etag =
    body === undefined
      ? undefined
      : `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  if (body === undefined)
    app.log.warn('packages/widget/dist/chat_v3.js is missing: run npm run build');

  app.get('/chat_v3.js', async (request, reply) => {
    if (body === undefined || etag === undefined)
      return reply.code(503).send(errorBody('unavailable'));
    reply
      .header('Content-Type', 'text/javascript; charset=utf-8')
      .header('Cache-Control', 'public, max-age=300, stale-while-revalidate=86400')
      .header('ETag', etag)
      .header('Access-Control-Allow-Origin', '*')
      .header('Cross-Origin-Resource-Policy', 'cross-origin');
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.send(body);
  });
}
