// verify-jwt throughput: the real server (SQLite) against bare node:http doing the same HMAC
// check (bare-server.mjs), and a typical Express 5 + jsonwebtoken implementation for reference.
// autocannon, 50 connections; every response must be a 200 that says verified.
import path from 'node:path';
import autocannon from 'autocannon';
import { createDatabase } from '../support/databases.mjs';
import { hilalCli, hilalEnv, seedOrganization, startHilal } from '../support/hilal.mjs';
import { requestJson } from '../support/http.mjs';
import { ROOT, startScript } from '../support/processes.mjs';
import { interleave, knob } from '../support/rounds.mjs';
import { signHs256 } from '../support/tokens.mjs';

const DURATION_S = knob('BENCH_VERIFY_S', 4);
const WARMUP_S = 1;
const CONNECTIONS = 50;

export default {
  id: 'verify-jwt',
  method: `**verify-jwt**: autocannon, ${CONNECTIONS} connections, ${WARMUP_S} s warm-up then ${DURATION_S} s per round and server, the same valid token; Hilal (\`hilal serve\`, SQLite) against bare \`node:http\` doing the same parse and HMAC check (\`bench/bare-server.mjs\`), the same check in a bare Fastify 5 route (\`bench/fastify-server.mjs\`: the framework's own floor) and Express 5 + jsonwebtoken (\`bench/express-server.mjs\`).`,
  async run({ rounds, log }) {
    const database = await createDatabase('sqlite');
    try {
      const env = hilalEnv(database, { HILAL_VERIFY_FAILURES_PER_MIN: '1000000000' });
      await hilalCli(['migrate'], env);
      const bot = await seedOrganization(env, 'Verify');
      const claims = { sub: 'user-42', name: 'Ada Lovelace', email: 'ada@example.com' };
      const body = JSON.stringify({
        orgId: bot.orgId,
        botId: bot.botId,
        token: signHs256(claims, bot.secret),
      });
      const baselineEnv = { SECRET: bot.secret };
      const servers = [
        { name: 'Hilal', server: await startHilal(env) },
        {
          name: 'bare',
          server: await startScript('bare', path.join(ROOT, 'bench/bare-server.mjs'), {
            env: baselineEnv,
          }),
        },
        {
          name: 'Fastify',
          server: await startScript('fastify', path.join(ROOT, 'bench/fastify-server.mjs'), {
            env: baselineEnv,
          }),
        },
        {
          name: 'Express',
          server: await startScript('express', path.join(ROOT, 'bench/express-server.mjs'), {
            env: baselineEnv,
          }),
        },
      ];
      try {
        for (const { server } of servers) {
          const answer = await requestJson(`${server.url}/api/widget/verify-jwt`, {
            method: 'POST',
            body,
          });
          if (answer.claims?.sub !== claims.sub) throw new Error(`${server.name} did not verify`);
        }
        const results = await interleave(
          rounds,
          servers,
          async ({ server }) => {
            await load(server.url, body, WARMUP_S);
            return load(server.url, body, DURATION_S);
          },
          log,
        );
        const row = (baseline, against) => ({
          measure: 'verify-jwt throughput',
          baseline,
          unit: 'req/s',
          hilal: results.Hilal.rps,
          against: results[against].rps,
          vs: 'ratio',
        });
        return {
          rows: [
            {
              ...row('bare `node:http` + HMAC', 'bare'),
              goal: { on: 'vs', at: 'least', limit: 0.8 },
            },
            row('bare Fastify 5 + HMAC, the framework alone (reference)', 'Fastify'),
            row('Express 5 + jsonwebtoken (reference)', 'Express'),
          ],
        };
      } finally {
        await Promise.all(servers.map(({ server }) => server.stop()));
      }
    } finally {
      await database.drop();
    }
  },
};

async function load(url, body, duration) {
  const result = await autocannon({
    url: `${url}/api/widget/verify-jwt`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: CONNECTIONS,
    duration,
    verifyBody: (text) => text.includes('"verified":true'),
  });
  const failed = result.non2xx + result.errors + result.timeouts + result.mismatches;
  if (failed > 0) throw new Error(`${url}: ${failed} requests failed or were not verified`);
  return { rps: result.requests.total / result.duration, p99: result.latency.p99 };
}
