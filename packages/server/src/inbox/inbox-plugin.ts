import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  AdminErrorBody,
  AgentReplyBody,
  AgentReplyResponse,
  InboxConversationResponse,
  InboxListQuery,
  InboxListResponse,
  InboxThreadResponse,
  MarkReadResponse,
} from '@hilal/contract';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { type AdminAuthDeps, adminAuth } from '../accounts/admin-auth.js';
import type { InboxViewer } from './inbox-filters.js';
import { ConversationParams } from './inbox-schemas.js';
import type { InboxService } from './inbox-service.js';
import { createInboxStreams } from './inbox-stream.js';

export interface InboxDeps extends AdminAuthDeps {
  readonly inbox: InboxService;
}

const errors = {
  400: AdminErrorBody,
  401: AdminErrorBody,
  403: AdminErrorBody,
  404: AdminErrorBody,
};

const viewerOf = (request: FastifyRequest): InboxViewer => ({
  organizationId: request.admin.organizationId,
  userId: request.admin.userId,
});

/**
 * The inbox API behind the dashboard (docs/contract.md §7 Inbox; README "HTTP API"), for every
 * role, always within the signed-in user's organization; state changes need `X-Hilal-CSRF: 1`
 * (`adminAuth`).
 */
export const inboxPlugin: FastifyPluginAsync<InboxDeps> = async (app, deps) => {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.addHook('preHandler', adminAuth(deps, ['owner', 'admin', 'agent']));
  const { inbox } = deps;
  const streams = createInboxStreams({ db: deps.db, now: deps.now, inbox });
  // Open streams never go idle, so shutdown ends them itself.
  app.addHook('preClose', async () => streams.closeAll());
  const conversation = '/api/admin/conversations/:conversationId';
  const byId = { params: ConversationParams };

  api.get(
    '/api/admin/conversations',
    { schema: { querystring: InboxListQuery, response: { 200: InboxListResponse, ...errors } } },
    (request) => inbox.list(viewerOf(request), request.query),
  );

  api.get(
    conversation,
    { schema: { ...byId, response: { 200: InboxThreadResponse, ...errors } } },
    (request) => inbox.thread(viewerOf(request), request.params.conversationId),
  );

  api.post(
    `${conversation}/messages`,
    {
      bodyLimit: 16 * 1024,
      schema: {
        ...byId,
        body: AgentReplyBody,
        response: { 200: AgentReplyResponse, 413: AdminErrorBody, ...errors },
      },
    },
    async (request) => ({
      message: await inbox.reply(
        viewerOf(request),
        request.params.conversationId,
        request.body.text,
      ),
    }),
  );

  api.post(
    `${conversation}/read`,
    { schema: { ...byId, response: { 200: MarkReadResponse, ...errors } } },
    (request) => inbox.markRead(viewerOf(request), request.params.conversationId),
  );

  // Each answers with the conversation as it is afterwards.
  const changes = {
    assign: inbox.assign,
    unassign: inbox.unassign,
    close: inbox.close,
    reopen: inbox.reopen,
  } as const;
  for (const [action, change] of Object.entries(changes)) {
    api.post(
      `${conversation}/${action}`,
      {
        schema: {
          ...byId,
          response: { 200: InboxConversationResponse, 409: AdminErrorBody, ...errors },
        },
      },
      async (request) => ({
        conversation: await change(viewerOf(request), request.params.conversationId),
      }),
    );
  }

  api.get(
    '/api/admin/events',
    { schema: { response: { 401: AdminErrorBody, 403: AdminErrorBody, 429: AdminErrorBody } } },
    (request, reply) => streams.open(request, reply),
  );
};
