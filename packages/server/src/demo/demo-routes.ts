import type { FastifyInstance } from 'fastify';
import { errorBody } from '../errors.js';
import type { AppServices } from '../services.js';
import { DEMO_USER, type DemoVisitor, renderDemoPage } from './demo-page.js';
import { mintDemoToken } from './demo-token.js';
import type { DemoIds } from './seed-demo.js';

const VISITORS: readonly DemoVisitor[] = ['signed-in', 'anonymous', 'self-reported'];

/**
 * `/demo` and its small "customer backend". That backend runs inside the Hilal process and takes
 * the bot's key from Hilal directly; a real customer keeps the secret in its own backend.
 */
export function registerDemoRoutes(
  app: FastifyInstance,
  services: AppServices,
  ids: DemoIds,
): void {
  async function mint(): Promise<string | undefined> {
    const signing = await services.signingKeys.resolve(ids.orgId, ids.botId);
    if (signing?.key === undefined) return undefined;
    return mintDemoToken(signing.key, DEMO_USER, Math.floor(services.now() / 1000));
  }

  app.get<{ Querystring: { as?: string } }>('/demo', async (request, reply) => {
    const visitor = VISITORS.find((v) => v === request.query.as) ?? 'signed-in';
    const token = visitor === 'signed-in' ? await mint() : undefined;
    reply.header('Cache-Control', 'no-store').type('text/html; charset=utf-8');
    return renderDemoPage(ids, visitor, token);
  });

  app.post('/demo/token', async (_request, reply) => {
    const token = await mint();
    if (token === undefined) return reply.code(404).send(errorBody('not_found'));
    reply.header('Cache-Control', 'no-store').type('text/plain; charset=utf-8');
    return token;
  });

  app.get('/', async (_request, reply) => reply.redirect('/demo'));
  app.get('/favicon.ico', async (_request, reply) => reply.code(204).send());
}
