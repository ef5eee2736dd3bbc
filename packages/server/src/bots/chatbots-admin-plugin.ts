import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  AdminErrorBody,
  BotsResponse,
  ChatbotDetail,
  CreateBotBody,
  CreateKnowledgeEntryBody,
  KnowledgeEntriesResponse,
  KnowledgeEntry,
  UpdateBotBody,
  UpdateKnowledgeEntryBody,
} from '@hilal/contract';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { type AdminAuthDeps, adminAuth } from '../accounts/admin-auth.js';
import { acceptJsonOnly } from '../http/json-only.js';
import type { ChatbotsService } from './chatbots-service.js';

export interface ChatbotsAdminDeps extends AdminAuthDeps {
  readonly chatbots: ChatbotsService;
}

const BotParams = Type.Object({ botId: Type.String({ maxLength: 64 }) });
const EntryParams = Type.Object({
  botId: Type.String({ maxLength: 64 }),
  entryId: Type.String({ maxLength: 64 }),
});
const errors = {
  400: AdminErrorBody,
  401: AdminErrorBody,
  403: AdminErrorBody,
  404: AdminErrorBody,
  413: AdminErrorBody,
  415: AdminErrorBody,
};

/**
 * The Chatbots screen's API (docs/contract.md §7 Chatbots; README "HTTP API"): the list, "New
 * chatbot", a bot's settings (Basic, Appearance) and its knowledge entries. Owners and admins
 * only, but for the list of names, which the inbox shows every role; JSON bodies only, always within the signed-in user's organization. The secret has its
 * own routes (`bots-plugin.ts`); nothing here reads it.
 */
export const chatbotsAdminPlugin: FastifyPluginAsync<ChatbotsAdminDeps> = async (app, deps) => {
  acceptJsonOnly(app);
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  // Every role may list the chatbots' names (the inbox's chatbot filter); only owners and admins
  // see or change anything else of them.
  const everyRole = adminAuth(deps, ['owner', 'admin', 'agent']);
  const managers = adminAuth(deps, ['owner', 'admin']);
  api.addHook('preHandler', function authenticate(request, reply) {
    const listsNames = request.method === 'GET' && request.routeOptions.url === '/api/admin/bots';
    return (listsNames ? everyRole : managers).call(this, request, reply);
  });
  const { chatbots } = deps;
  const bot = '/api/admin/bots/:botId';
  const entry = `${bot}/knowledge/:entryId`;

  api.get(
    '/api/admin/bots',
    { schema: { response: { 200: BotsResponse, ...errors } } },
    (request) => chatbots.list(request.admin.organizationId),
  );

  api.post(
    '/api/admin/bots',
    {
      bodyLimit: 8 * 1024,
      schema: { body: CreateBotBody, response: { 201: ChatbotDetail, ...errors } },
    },
    async (request, reply) =>
      reply.code(201).send(await chatbots.create(request.admin.organizationId, request.body.name)),
  );

  api.get(
    bot,
    { schema: { params: BotParams, response: { 200: ChatbotDetail, ...errors } } },
    (request) => chatbots.get(request.admin.organizationId, request.params.botId),
  );

  api.patch(
    bot,
    {
      bodyLimit: 64 * 1024,
      schema: {
        params: BotParams,
        body: UpdateBotBody,
        response: { 200: ChatbotDetail, ...errors },
      },
    },
    (request) => chatbots.update(request.admin.organizationId, request.params.botId, request.body),
  );

  api.get(
    `${bot}/knowledge`,
    { schema: { params: BotParams, response: { 200: KnowledgeEntriesResponse, ...errors } } },
    (request) => chatbots.listKnowledge(request.admin.organizationId, request.params.botId),
  );

  api.post(
    `${bot}/knowledge`,
    {
      bodyLimit: 96 * 1024,
      schema: {
        params: BotParams,
        body: CreateKnowledgeEntryBody,
        response: { 201: KnowledgeEntry, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await chatbots.addKnowledge(
            request.admin.organizationId,
            request.params.botId,
            request.body,
          ),
        ),
  );

  api.patch(
    entry,
    {
      bodyLimit: 96 * 1024,
      schema: {
        params: EntryParams,
        body: UpdateKnowledgeEntryBody,
        response: { 200: KnowledgeEntry, ...errors },
      },
    },
    (request) =>
      chatbots.updateKnowledge(
        request.admin.organizationId,
        request.params.botId,
        request.params.entryId,
        request.body,
      ),
  );

  api.delete(
    entry,
    { schema: { params: EntryParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      const { botId, entryId } = request.params;
      await chatbots.deleteKnowledge(request.admin.organizationId, botId, entryId);
      return reply.code(204).send(null);
    },
  );
};
