// The framework's floor for POST /api/widget/verify-jwt: Fastify 5 (the framework Hilal serves
// with), no hooks, no schema, no logger, no database, doing the same token check as the bare
// server (bare-hs256.mjs) and answering the same body. What Hilal's route costs beyond this is
// Hilal's own work; what this costs beyond bare node:http is the framework's. Started by the
// verify-jwt measure with SECRET in its environment; prints `listening <port>`.
import { randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import { serveBaseline, verifyHs256 } from './bare-hs256.mjs';

const key = Buffer.from(process.env.SECRET ?? '', 'utf8');
const app = Fastify({ logger: false, bodyLimit: 16 * 1024 });

app.post('/api/widget/verify-jwt', async (request, reply) => {
  reply.header('cache-control', 'no-store');
  const claims = verifyHs256(request.body?.token, key);
  if (claims === undefined) return reply.code(401).send({ verified: false });
  const out = { sub: claims.sub };
  if (typeof claims.name === 'string') out.name = claims.name;
  if (typeof claims.email === 'string') out.email = claims.email;
  return {
    verified: true,
    claims: out,
    expiresAt: claims.exp,
    session: `hws_${randomBytes(32).toString('base64url')}`,
  };
});

await app.ready();
serveBaseline(app.server);
