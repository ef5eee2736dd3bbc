import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ErrorBody } from '@hilal/contract';
import type { FastifyPluginAsync } from 'fastify';
import { type AdminAuthDeps, adminAuth } from '../accounts/admin-auth.js';
import {
  AgentReplyBody,
  AgentReplyResponse,
  ClosedResponse,
  ConversationParams,
  InboxList,
  InboxListQuery,
  InboxThread,
} from './inbox-schemas.js';
import type { InboxService } from './inbox-service.js';

export interface InboxDeps extends AdminAuthDeps {
  readonly inbox: InboxService;
}

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };

/** The inbox API behind the dashboard (docs/contract.md §7), for every role, scoped to the organization. */
export const inboxPlugin: FastifyPluginAsync<InboxDeps> = async (app, deps) => {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.addHook('preHandler', adminAuth(deps, ['owner', 'admin', 'agent']));
  const { inbox } = deps;

  api.get(
    '/api/admin/conversations',
    { schema: { querystring: InboxListQuery, response: { 200: InboxList, ...errors } } },
    async (request) => ({
      conversations: await inbox.list(
        request.admin.organizationId,
        Math.min(Number(request.query.limit ?? 50), 200),
      ),
    }),
  );

  api.get(
    '/api/admin/conversations/:conversationId',
    { schema: { params: ConversationParams, response: { 200: InboxThread, ...errors } } },
    (request) => inbox.thread(request.admin.organizationId, request.params.conversationId),
  );

  api.post(
    '/api/admin/conversations/:conversationId/messages',
    {
      bodyLimit: 16 * 1024,
      schema: {
        params: ConversationParams,
        body: AgentReplyBody,
        response: { 200: AgentReplyResponse, 413: ErrorBody, ...errors },
      },
    },
    async (request) => ({
      message: await inbox.reply(
        request.admin.organizationId,
        request.params.conversationId,
        request.body.text,
      ),
    }),
  );

  api.post(
    '/api/admin/conversations/:conversationId/close',
    { schema: { params: ConversationParams, response: { 200: ClosedResponse, ...errors } } },
    async (request) => ({
      conversation: await inbox.close(request.admin.organizationId, request.params.conversationId),
    }),
  );
};
