import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ErrorBody } from '@hilal/contract';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { errorBody } from '../errors.js';
import type { SigningKeys } from '../identity/signing-keys.js';
import { DEMO_USER, type DemoVisitor, renderDemoPage } from './demo-page.js';
import { mintDemoToken } from './demo-token.js';
import type { DemoIds } from './seed-demo.js';

export interface DemoDeps {
  readonly ids: DemoIds;
  readonly signingKeys: Pick<SigningKeys, 'resolve'>;
  readonly now: () => number;
}

const VISITORS: readonly DemoVisitor[] = ['signed-in', 'anonymous', 'self-reported'];
const DemoQuery = Type.Object({ as: Type.Optional(Type.String({ maxLength: 32 })) });

/**
 * `/demo` and its small "customer backend". That backend runs inside the Hilal process and takes
 * the bot's key from Hilal directly; a real customer keeps the secret in its own backend.
 */
export const demoPlugin: FastifyPluginAsync<DemoDeps> = async (app, { ids, signingKeys, now }) => {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  async function mint(): Promise<string | undefined> {
    const signing = await signingKeys.resolve(ids.orgId, ids.botId);
    if (signing?.key === undefined) return undefined;
    return mintDemoToken(signing.key, DEMO_USER, Math.floor(now() / 1000));
  }

  api.get(
    '/demo',
    { schema: { querystring: DemoQuery, response: { 200: Type.String() } } },
    async (request, reply) => {
      const visitor = VISITORS.find((v) => v === request.query.as) ?? 'signed-in';
      const token = visitor === 'signed-in' ? await mint() : undefined;
      reply.header('Cache-Control', 'no-store').type('text/html; charset=utf-8');
      return renderDemoPage(ids, visitor, token);
    },
  );

  api.post(
    '/demo/token',
    { schema: { response: { 200: Type.String(), 404: ErrorBody } } },
    async (_request, reply) => {
      const token = await mint();
      if (token === undefined) return reply.code(404).send(errorBody('not_found'));
      reply.header('Cache-Control', 'no-store').type('text/plain; charset=utf-8');
      return token;
    },
  );

  api.get('/favicon.ico', (_request, reply) => reply.code(204).send());
};
