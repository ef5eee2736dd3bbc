import type { FastifyInstance } from 'fastify';

const WIDGET_PATHS = ['/api/widget/', '/api/chat/'];
const ALLOWED_HEADERS = 'Authorization, Content-Type, X-Hilal-Identity-Source, Last-Event-ID';
const EXPOSED_HEADERS = 'X-Hilal-Identity-Source, Retry-After';

/**
 * CORS for the widget's endpoints. A preflight cannot say which bot it is for, so it is answered
 * for any origin; the request itself is then checked against its bot's allowed origins
 * (`originAllowed`), which answers 403 `origin_not_allowed`. No cookies are involved
 * (credentials are bearer headers), so `Access-Control-Allow-Credentials` is never sent.
 */
export function installWidgetCors(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    const path = request.url;
    const origin = request.headers.origin;
    if (origin === undefined || !WIDGET_PATHS.some((prefix) => path.startsWith(prefix))) {
      done();
      return;
    }
    reply.header('Access-Control-Allow-Origin', origin);
    reply.header('Vary', 'Origin');
    reply.header('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    if (request.method === 'OPTIONS') {
      reply.header('Access-Control-Allow-Methods', 'GET, POST');
      reply.header('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      reply.header('Access-Control-Max-Age', '600');
      reply.code(204).send();
      return;
    }
    done();
  });
}
