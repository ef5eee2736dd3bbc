import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  ErrorBody,
  HistoryResponse,
  PostMessageBody,
  PostMessageResponse,
  StreamBody,
  WidgetConfig,
  WidgetConfigQuery,
} from '@hilal/contract';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import { findWidgetBot } from '../bots/widget-bot.js';
import type { Database } from '../db/schema.js';
import { widgetCors } from '../http/widget-cors.js';
import type { IdentityService } from '../identity/identity-service.js';
import { type ChatAuthDeps, chatAuth } from './chat-auth.js';
import type { ChatService } from './chat-service.js';
import { requireIdentityMode } from './identity-mode.js';
import type { LiveStreams } from './live-stream.js';
import { registerWidgetBootstrap } from './widget-bootstrap-route.js';
import { widgetConfig } from './widget-load.js';
import { registerWidgetScript } from './widget-script-route.js';

export interface ChatDeps extends ChatAuthDeps {
  readonly db: Kysely<Database>;
  readonly chat: ChatService;
  readonly streams: LiveStreams;
  readonly identity: IdentityService;
}

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 429: ErrorBody };

/**
 * The widget's side of the server (docs/widget-api.md): `chat_v3.js`, its configuration, and the
 * chat API under `/api/chat/`, authenticated by the widget session in a preHandler.
 */
export const chatPlugin: FastifyPluginAsync<ChatDeps> = async (app, deps) => {
  registerWidgetScript(app);
  widgetCors(app, ['/api/widget/config', '/api/widget/bootstrap', '/api/chat/*']);
  registerWidgetBootstrap(app, deps);
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get(
    '/api/widget/config',
    { schema: { querystring: WidgetConfigQuery, response: { 200: WidgetConfig, ...errors } } },
    async (request, reply) => {
      const { orgId, botId } = request.query;
      const { bot, settings } = await findWidgetBot(deps.db, orgId, botId, request.headers.origin);
      reply.header('Cache-Control', 'public, max-age=60');
      return widgetConfig(bot, settings);
    },
  );

  await api.register(async (scope) => {
    scope.decorateRequest('chatCaller', null as never);
    scope.addHook('preHandler', chatAuth(deps));
    scope.addHook('preHandler', requireIdentityMode);
    const chat = scope.withTypeProvider<TypeBoxTypeProvider>();

    chat.get(
      '/api/chat/history',
      { schema: { response: { 200: HistoryResponse, ...errors } } },
      (request) => deps.chat.history(request.chatCaller),
    );

    chat.post(
      '/api/chat/messages',
      {
        bodyLimit: 16 * 1024,
        schema: {
          body: PostMessageBody,
          response: { 200: PostMessageResponse, 413: ErrorBody, ...errors },
        },
      },
      (request) => deps.chat.postMessage(request.chatCaller, request.body),
    );

    chat.post(
      '/api/chat/logout',
      { schema: { response: { 204: Type.Null(), ...errors } } },
      async (request, reply) => {
        await deps.chat.logout(request.chatCaller);
        return reply.code(204).send(null);
      },
    );

    // The body is the event stream itself (docs/widget-api.md); only errors go through a schema.
    chat.get('/api/chat/events', { schema: { response: errors } }, (request, reply) =>
      deps.streams.open(request, reply, request.chatCaller),
    );
    // The same stream, asked as a CORS-simple request: what the headers carry is in the body
    // (`StreamBody`, chat-request.ts), so the widget's load needs no preflight.
    chat.post(
      '/api/chat/events',
      { bodyLimit: 4 * 1024, schema: { body: StreamBody, response: errors } },
      (request, reply) => deps.streams.open(request, reply, request.chatCaller),
    );
  });
};
