// An agent's reply reaching the widget when the two are on different instances: two `hilal
// serve` processes on one PostgreSQL database and one Redis, as production runs them. The agent
// replies through the admin API on instance A; the visitor's live stream is on B. Baseline: the
// same reply with the stream on A itself, interleaved, so what Redis adds shows as the difference.
import { performance } from 'node:perf_hooks';
import { ChatVisitor } from '../support/chat-visitor.mjs';
import { createDatabase, REDIS_URL } from '../support/databases.mjs';
import { hilalCli, hilalEnv, seedOrganization, startHilal } from '../support/hilal.mjs';
import { request, requestJson } from '../support/http.mjs';
import { interleave, knob } from '../support/rounds.mjs';
import { percentile } from '../support/stats.mjs';

const REPLIES = knob('BENCH_AGENT_REPLIES', 200);

export default {
  id: 'cross-instance',
  method: `**agent reply → widget**: two \`hilal serve\` on one PostgreSQL database and Redis; a signed-in agent POSTs ${REPLIES} replies per round (one after another) to \`/api/admin/conversations/:id/messages\` on instance A, timed until each arrives on the visitor's live stream, which is on B ("another instance") or on A (the baseline), interleaved; p99 of each round.`,
  async run({ rounds, log }) {
    const database = await createDatabase('postgres');
    const servers = [];
    try {
      const env = hilalEnv(database, { REDIS_URL });
      await hilalCli(['migrate'], env);
      const bot = await seedOrganization(env, 'Agents', { agent: true });
      servers.push(await startHilal(env, { name: 'hilal A' }));
      servers.push(await startHilal(env, { name: 'hilal B' }));
      const [a, b] = servers;
      const admin = await signIn(a.url, bot.agent);

      const targets = [];
      for (const [name, server] of [
        ['another instance', b],
        ['same instance', a],
      ]) {
        const visitor = await new ChatVisitor(server.url, bot, {
          sub: `agent-${name.split(' ')[0]}`,
        }).open();
        // The visitor writes first, so there is a conversation to answer.
        const { conversationId } = await visitor.send('Hello');
        await visitor.nextMessage('bot').catch(() => {});
        targets.push({ name, visitor, conversationId });
      }
      const reply = async ({ visitor, conversationId }, count) => {
        const samples = [];
        for (let i = 0; i < count; i += 1) {
          const arrived = visitor.nextMessage('agent');
          const started = performance.now();
          await requestJson(`${a.url}/api/admin/conversations/${conversationId}/messages`, {
            method: 'POST',
            headers: admin,
            body: JSON.stringify({ text: `Reply ${i}: your order ships today.` }),
          });
          await arrived;
          samples.push(performance.now() - started);
        }
        return samples;
      };
      for (const target of targets) await reply(target, 20);
      const results = await interleave(
        rounds,
        targets,
        async (target) => {
          const samples = await reply(target, REPLIES);
          return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
        },
        log,
      );
      for (const { visitor } of targets) visitor.close();
      return {
        rows: [
          {
            measure: 'agent reply → widget on another instance, p99',
            baseline: 'on the same instance',
            unit: 'ms',
            hilal: results['another instance'].p99,
            against: results['same instance'].p99,
            vs: 'ratio',
            goal: { on: 'hilal', at: 'most', limit: 10 },
          },
        ],
      };
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
      await database.drop();
    }
  },
};

/** Signs the agent in as the dashboard does; returns the headers of its admin calls. */
async function signIn(url, { email, password }) {
  const res = await request(`${url}/api/auth/login`, {
    method: 'POST',
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in: ${res.status} ${res.body}`);
  const cookie = String(res.headers['set-cookie']).split(';')[0];
  return { cookie, 'x-hilal-csrf': '1' };
}
