import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const ALLOWED_HEADERS = 'Authorization, Content-Type, X-Hilal-Identity-Source, Last-Event-ID';
const EXPOSED_HEADERS = 'X-Hilal-Identity-Source, Retry-After';

/**
 * CORS for the widget's endpoints, added by each widget-facing plugin to its own scope, with
 * preflight routes for its `paths` (a path may end in `*`). A preflight cannot say which bot it is for, so it is
 * answered for any origin; the request itself is then checked against its bot's allowed origins,
 * which answers 403 `origin_not_allowed`. No cookies are involved (credentials are bearer
 * headers), so `Access-Control-Allow-Credentials` is never sent.
 */
export function widgetCors(app: FastifyInstance, paths: readonly string[]): void {
  app.addHook('onRequest', (request, reply, done) => {
    allowOrigin(request, reply);
    done();
  });
  for (const path of paths) {
    app.options(path, (_request, reply) => {
      reply
        .header('Access-Control-Allow-Methods', 'GET, POST')
        .header('Access-Control-Allow-Headers', ALLOWED_HEADERS)
        .header('Access-Control-Max-Age', '600')
        .code(204)
        .send();
    });
  }
}

function allowOrigin(request: FastifyRequest, reply: FastifyReply): void {
  const origin = request.headers.origin;
  if (origin === undefined) return;
  reply
    .header('Access-Control-Allow-Origin', origin)
    .header('Vary', 'Origin')
    .header('Access-Control-Expose-Headers', EXPOSED_HEADERS);
}
