// The chat round trip on one database: a verified session posts to the chat API and the
// built-in bot's reply arrives on its live stream. Against the bare SSE echo of the same
// protocol (bare-sse-echo.mjs), measured in the same rounds:
// - the p50 round trip of one session, messages one after another;
// - messages per second with 20 sessions at once, each sending as soon as its reply came;
// - the p50 round trip of a visitor in an organization of 100,000 conversations against one in
//   an organization of 100 (same server, same database, interleaved).
// Every visitor sends at most 25 messages (the per-visitor limit is 30 a minute), then the next
// one takes over; the echo's visitors do the same, so both sides do the same work.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { visitorSequence } from '../support/chat-visitor.mjs';
import { cpuMs } from '../support/cpu-time.mjs';
import {
  createDatabase,
  DIALECT_NAMES,
  QUESTION,
  REDIS_URL,
  seededSub,
} from '../support/databases.mjs';
import { hilalCli, hilalEnv, seedOrganization, startHilal } from '../support/hilal.mjs';
import { ROOT, startScript } from '../support/processes.mjs';
import { interleave, knob } from '../support/rounds.mjs';
import { percentile } from '../support/stats.mjs';

const LARGE = knob('BENCH_LARGE_ORG', 100_000);
const SMALL = 100;
const MESSAGES = knob('BENCH_RT_MESSAGES', 60);
const SESSIONS = 20;
const LOAD_S = knob('BENCH_LOAD_S', 5);
const WARMUP_MESSAGES = 20;
/** BENCH_CHAT_REDIS=1: Hilal runs with `REDIS_URL` (limits and events through Redis), as several instances would. */
const WITH_REDIS = process.env.BENCH_CHAT_REDIS === '1';

/** Goals from issue 9, per database: round trip ≤ × echo, throughput ≥ × echo. */
const GOALS = {
  sqlite: { roundTrip: 2.5, throughput: 0.3 },
  postgres: { roundTrip: 6, throughput: 0.15 },
};

export function chatMeasure(dialect) {
  const name = DIALECT_NAMES[dialect];
  return {
    id: `chat-${dialect}`,
    method: `**chat, ${name}**: \`hilal serve\` on ${name} and \`bench/bare-sse-echo.mjs\`, driven by \`bench/support/chat-visitor.mjs\` (verify-jwt for a session, the live stream, POST a message, wait for the bot's message on the stream). Round trip: ${MESSAGES} messages one after another per round and target (after ${WARMUP_MESSAGES} of warm-up), the p50 of each round; the three targets (${SMALL}-conversation org, echo, ${LARGE.toLocaleString('en')}-conversation org) interleaved. Throughput: ${SESSIONS} sessions sending back to back for ${LOAD_S} s per round (after 1 s of warm-up), replies counted; the server process's CPU time (user + system, from \`/proc\`) over the run divided by the replies is the CPU per message, which other work on the machine barely moves (the database server's own CPU is not in it). Each visitor sends 25 messages, then the next takes over (fresh visitors for throughput; seeded verified contacts with an open conversation for the round trips). The organizations are seeded with bulk SQL (12 knowledge entries each; one conversation, contact and message per seeded visitor); PostgreSQL is ANALYZEd after seeding, SQLite is not (the server must cope without statistics).`,
    async run({ rounds, log }) {
      const database = await createDatabase(dialect);
      const servers = [];
      try {
        const env = hilalEnv(database, WITH_REDIS ? { REDIS_URL } : {});
        await hilalCli(['migrate'], env);
        const small = await seedOrganization(env, 'Small');
        const large = await seedOrganization(env, 'Large');
        const load = await seedOrganization(env, 'Load');
        const seedStarted = performance.now();
        await database.seed({ ...small, count: SMALL });
        await database.seed({ ...large, count: LARGE });
        await database.seed({ ...load, count: 0 });
        log(
          `seeded ${SMALL + LARGE} conversations in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`,
        );

        const hilal = await startHilal(env);
        servers.push(hilal);
        const echo = await startScript('echo', path.join(ROOT, 'bench/bare-sse-echo.mjs'), {
          env: { SECRET: load.secret },
        });
        servers.push(echo);

        const targets = [
          {
            name: 'Hilal, small org',
            pid: hilal.child.pid,
            visitors: visitorSequence(hilal.url, small, seededVisitors(SMALL)),
          },
          {
            name: 'echo',
            pid: echo.child.pid,
            visitors: visitorSequence(echo.url, load, (i) => ({ sub: `rt-${i}` })),
          },
          {
            name: 'Hilal, large org',
            pid: hilal.child.pid,
            visitors: visitorSequence(hilal.url, large, seededVisitors(LARGE)),
          },
        ];
        for (const target of targets) await roundTrips(target.visitors, WARMUP_MESSAGES);
        const roundTrip = await interleave(
          rounds,
          targets,
          async (target) => {
            const cpuBefore = cpuMs(target.pid);
            const samples = await roundTrips(target.visitors, MESSAGES);
            return {
              p50: percentile(samples, 50),
              p99: percentile(samples, 99),
              cpuMsPerMessage: (cpuMs(target.pid) - cpuBefore) / MESSAGES,
            };
          },
          log,
        );
        for (const target of targets) target.visitors.close();

        const loadTargets = [
          { name: 'Hilal', url: hilal.url, bot: load, pid: hilal.child.pid },
          { name: 'echo', url: echo.url, bot: load, pid: echo.child.pid },
        ];
        const throughput = await interleave(
          rounds,
          loadTargets,
          async (target) => {
            await sessions(target, 1);
            return sessions(target, LOAD_S);
          },
          log,
        );

        const goals = GOALS[dialect];
        return {
          rows: [
            {
              measure: `message round trip p50, 1 session, ${name}`,
              baseline: 'bare SSE echo',
              unit: 'ms',
              hilal: roundTrip['Hilal, small org'].p50,
              against: roundTrip.echo.p50,
              vs: 'ratio',
              goal: { on: 'vs', at: 'most', limit: goals.roundTrip },
            },
            {
              measure: `messages/s at ${SESSIONS} sessions, ${name}`,
              baseline: 'bare SSE echo',
              unit: 'msg/s',
              hilal: throughput.Hilal.perSecond,
              against: throughput.echo.perSecond,
              vs: 'ratio',
              goal: { on: 'vs', at: 'least', limit: goals.throughput },
            },
            {
              measure: `server CPU per message at ${SESSIONS} sessions, ${name} (reference)`,
              baseline: 'bare SSE echo',
              unit: 'ms',
              hilal: throughput.Hilal.cpuMsPerMessage,
              against: throughput.echo.cpuMsPerMessage,
              vs: 'ratio',
            },
            {
              measure: `round trip p50 in a ${LARGE.toLocaleString('en')}-conversation org, ${name}`,
              baseline: `a ${SMALL}-conversation org`,
              unit: 'ms',
              hilal: roundTrip['Hilal, large org'].p50,
              against: roundTrip['Hilal, small org'].p50,
              vs: 'ratio',
              goal: { on: 'vs', at: 'most', limit: 1.2 },
            },
          ],
        };
      } finally {
        await Promise.all(servers.map((server) => server.stop()));
        await database.drop();
      }
    },
  };
}

/**
 * The i-th visitor of a seeded organization of `count`: one of its verified contacts with an
 * open conversation (every even n), spread over the organization; past them, fresh visitors.
 */
function seededVisitors(count) {
  return (i) => {
    if (i * 2 >= count) return { sub: `extra-${i}` };
    const n = (i * 1994) % count;
    return { sub: seededSub(n), name: `User ${n}`, email: `user${n}@example.com` };
  };
}

/** `count` round trips, one after another; the milliseconds of each. */
async function roundTrips(visitors, count) {
  const samples = [];
  for (let i = 0; i < count; i += 1) {
    const visitor = await visitors.next();
    samples.push(await visitor.roundTrip(QUESTION));
  }
  return samples;
}

/**
 * `SESSIONS` sessions at once for `seconds`, each sending its next message as soon as the bot's
 * reply to the last one came; counts the replies that came within the time.
 */
async function sessions(target, seconds) {
  const tag = randomBytes(4).toString('hex');
  const cpuBefore = cpuMs(target.pid);
  const end = performance.now() + seconds * 1000;
  const latencies = [];
  let replies = 0;
  await Promise.all(
    Array.from({ length: SESSIONS }, async (_, session) => {
      // Fresh visitors: each session's first message creates its contact and conversation.
      const visitors = visitorSequence(target.url, target.bot, (i) => ({
        sub: `load-${tag}-${session}-${i}`,
      }));
      try {
        while (performance.now() < end) {
          const visitor = await visitors.next();
          const ms = await visitor.roundTrip(QUESTION);
          replies += 1;
          if (performance.now() <= end) latencies.push(ms);
        }
      } finally {
        visitors.close();
      }
    }),
  );
  return {
    perSecond: latencies.length / seconds,
    p99: percentile(latencies, 99),
    cpuMsPerMessage: (cpuMs(target.pid) - cpuBefore) / replies,
  };
}
