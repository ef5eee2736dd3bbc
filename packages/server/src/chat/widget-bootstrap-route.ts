import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  WidgetBootstrapBody as BootstrapBody,
  ErrorBody,
  WidgetBootstrapResponse,
} from '@hilal/contract';
import type { FastifyInstance } from 'fastify';
import { loadWidget, type WidgetLoadDeps } from './widget-load.js';

const errors = { 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 413: ErrorBody, 429: ErrorBody };

/**
 * `POST /api/widget/bootstrap` (README "HTTP API"; the shapes in `@hilal/contract`): the widget's
 * config, session and conversation in one CORS-simple request, so that the widget is ready after
 * this and its stream (`loadWidget`). The widget asks it when it has no token; with one, its load
 * is `POST /api/widget/verify-jwt` with `load`, as docs/contract.md §5 says. The credentials
 * travel in the body, never in a URL.
 */
export function registerWidgetBootstrap(app: FastifyInstance, deps: WidgetLoadDeps): void {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/api/widget/bootstrap',
    {
      bodyLimit: 16 * 1024,
      schema: { body: BootstrapBody, response: { 200: WidgetBootstrapResponse, ...errors } },
    },
    async (request, reply) => {
      reply.header('Cache-Control', 'no-store');
      return loadWidget(deps, request.body, { ip: request.ip, origin: request.headers.origin });
    },
  );
}
