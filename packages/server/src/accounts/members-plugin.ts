import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  AdminErrorBody,
  ChangePasswordBody,
  CreateMemberBody,
  CreateMemberResponse,
  Member,
  MembersResponse,
  UpdateMemberBody,
} from '@hilal/contract';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { readCookie } from '../http/cookies.js';
import { acceptJsonOnly } from '../http/json-only.js';
import { type AdminAuthDeps, adminAuth } from './admin-auth.js';
import { ADMIN_COOKIE } from './admin-sessions.js';
import type { MembersService } from './members-service.js';
import { ROLES } from './users-repository.js';

export interface MembersDeps extends AdminAuthDeps {
  readonly members: MembersService;
}

const MemberParams = Type.Object({ userId: Type.String({ maxLength: 64 }) });
const errors = {
  400: AdminErrorBody,
  401: AdminErrorBody,
  403: AdminErrorBody,
  404: AdminErrorBody,
  409: AdminErrorBody,
  413: AdminErrorBody,
  415: AdminErrorBody,
  429: AdminErrorBody,
};

/**
 * Members and roles, owners only, and everyone's own password (docs/contract.md §7 Accounts;
 * README "HTTP API"). JSON bodies only; `adminAuth` refuses a foreign `Origin`, a missing
 * `X-Hilal-CSRF` and the wrong role.
 */
export const membersPlugin: FastifyPluginAsync<MembersDeps> = async (app, deps) => {
  acceptJsonOnly(app);
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const { members } = deps;
  const owner = adminAuth(deps, ['owner']);

  api.get(
    '/api/admin/members',
    { preHandler: owner, schema: { response: { 200: MembersResponse, ...errors } } },
    (request) => members.list(request.admin.organizationId),
  );

  api.post(
    '/api/admin/members',
    {
      preHandler: owner,
      bodyLimit: 4096,
      schema: { body: CreateMemberBody, response: { 201: CreateMemberResponse, ...errors } },
    },
    async (request, reply) => {
      const { email, role } = request.body;
      const created = await members.add(request.admin.organizationId, email, role);
      // The first password is in this response only: no cache may keep it.
      return reply.code(201).header('Cache-Control', 'no-store').send(created);
    },
  );

  api.patch(
    '/api/admin/members/:userId',
    {
      preHandler: owner,
      bodyLimit: 1024,
      schema: {
        params: MemberParams,
        body: UpdateMemberBody,
        response: { 200: Member, ...errors },
      },
    },
    (request) =>
      members.setRole(request.admin.organizationId, request.params.userId, request.body.role),
  );

  api.delete(
    '/api/admin/members/:userId',
    {
      preHandler: owner,
      schema: { params: MemberParams, response: { 204: Type.Null(), ...errors } },
    },
    async (request, reply) => {
      await members.remove(request.admin.organizationId, request.params.userId);
      return reply.code(204).send(null);
    },
  );

  api.post(
    '/api/auth/password',
    {
      preHandler: adminAuth(deps, ROLES),
      bodyLimit: 12 * 1024,
      schema: { body: ChangePasswordBody, response: { 204: Type.Null(), ...errors } },
    },
    async (request, reply) => {
      const credential = readCookie(request.headers.cookie, ADMIN_COOKIE);
      await members.changePassword(request.admin, request.body, credential, request.ip);
      return reply.code(204).send(null);
    },
  );
};
