// `npm run bench:inbox`: the dashboard's inbox at scale. One organization with BENCH_INBOX_N
// conversations (default 100,000; a tenth verified, a tenth open, each with a visitor message)
// plus a smaller second organization, on SQLite and on a throwaway PostgreSQL database. It times
// the inbox list (no filter; "Verified"; "Open" + "Mine"; a search by email and one by name) and
// the conversation view through the real app (`app.inject`, no network), and prints p50 and p95
// per query next to the goal (p95 ≤ 20 ms). Uses the compiled server (`npm run build` first; the
// script does). The counts and the unread total come from what migration 006's triggers keep,
// so the seed goes through them too, a transaction per batch.
//
// Knobs: BENCH_INBOX_N, BENCH_INBOX_SAMPLES (default 200 per query), HILAL_TEST_POSTGRES_URL.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';

const dist = new URL('../packages/server/dist/', import.meta.url);
const load = (file) => import(new URL(file, dist).href);
const { openServices } = await load('src/services.js');
const { buildApp } = await load('src/app.js');
const { newId } = await load('src/ids.js');
const { createTestEnvironment } = await load('test/support/databases.js');
const { signedInAdmin } = await load('test/support/admin-client.js');
const { seedBot } = await load('test/support/test-app.js');

const N = Number(process.env.BENCH_INBOX_N ?? 100_000);
const SAMPLES = Number(process.env.BENCH_INBOX_SAMPLES ?? 200);
const BATCH = 500;
const GOAL_P95_MS = 20;

/** N conversations for the bot, each with its contact and one visitor message. */
async function seed(db, bot, count, start) {
  const ids = [];
  // A transaction per batch, as live writes come: PostgreSQL cannot prune the versions of the
  // `inbox_counts` row that one long transaction would update 200,000 times.
  for (let offset = 0; offset < count; offset += BATCH) {
    await db.transaction().execute(async (trx) => {
      const n = Math.min(BATCH, count - offset);
      const rows = Array.from({ length: n }, (_, i) => {
        const k = offset + i;
        const verified = k % 10 === 0;
        return {
          contact: {
            id: newId('ctc'),
            organization_id: bot.orgId,
            chatbot_id: bot.botId,
            kind: verified ? 'verified' : 'visitor',
            sub: verified ? `user-${k}` : null,
            visitor_id: verified ? null : `vis_${randomUUID()}`,
            name: `Visitor ${k}`,
            email: verified ? `user${k}@example.com` : null,
            created_at: start + k,
            updated_at: start + k,
          },
          conversationId: newId('cnv'),
          identity: verified ? 'verified' : 'anonymous',
          status: k % 10 === 3 ? 'human' : 'closed',
          at: start + k,
        };
      });
      await trx
        .insertInto('contacts')
        .values(rows.map((r) => r.contact))
        .execute();
      await trx
        .insertInto('conversations')
        .values(
          rows.map((r) => ({
            id: r.conversationId,
            organization_id: bot.orgId,
            chatbot_id: bot.botId,
            contact_id: r.contact.id,
            identity: r.identity,
            status: r.status,
            created_at: r.at,
            last_activity_at: r.at,
          })),
        )
        .execute();
      await trx
        .insertInto('messages')
        .values(
          rows.map((r) => ({
            id: newId('msg'),
            organization_id: bot.orgId,
            conversation_id: r.conversationId,
            client_message_id: null,
            author: 'visitor',
            text: 'Where is my order?',
            identity_source: r.identity,
            created_at: r.at,
          })),
        )
        .execute();
      for (const r of rows) if (ids.length < SAMPLES) ids.push(r.conversationId);
    });
  }
  return ids;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function time(label, run) {
  for (let i = 0; i < 10; i += 1) await run(i); // warm-up
  const samples = [];
  for (let i = 0; i < SAMPLES; i += 1) {
    const started = performance.now();
    await run(i);
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { label, p50: percentile(samples, 50), p95: percentile(samples, 95) };
}

async function measure(dialect) {
  const env = await createTestEnvironment(dialect);
  const services = await openServices(env.config({ LOG_LEVEL: 'silent' }), { flushIntervalMs: 0 });
  const app = await buildApp(services);
  try {
    const bot = await seedBot(services, false);
    const other = await seedBot(services, false);
    const started = performance.now();
    const ids = await seed(services.db, bot, N, Date.UTC(2030, 0, 1));
    await seed(services.db, other, Math.min(N, 10_000), Date.UTC(2030, 0, 1));
    // PostgreSQL plans from statistics, which a live database keeps; SQLite must do without.
    if (dialect === 'postgres') await sql`ANALYZE`.execute(services.db);
    const seedS = (performance.now() - started) / 1000;
    const agent = await signedInAdmin(
      app,
      services,
      `agent-${dialect}@bench.test`,
      'agent',
      bot.orgId,
    );
    const get = async (url) => {
      const res = await agent.call('GET', url);
      if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}: ${res.body}`);
    };
    const rows = [
      await time('list, newest first', () => get('/api/admin/conversations?limit=50')),
      await time('list, "Verified"', () =>
        get('/api/admin/conversations?limit=50&identity=verified'),
      ),
      await time('list, "Open" + "Mine"', () =>
        get('/api/admin/conversations?limit=50&status=open&assignee=mine'),
      ),
      await time('list, search by email', (i) =>
        get(`/api/admin/conversations?limit=50&q=user${(i % 100) * 10}%40example`),
      ),
      await time('list, search by name', (i) =>
        get(`/api/admin/conversations?limit=50&q=visitor%20${1000 + i}`),
      ),
      await time('conversation view', (i) =>
        get(`/api/admin/conversations/${ids[i % ids.length]}`),
      ),
    ];
    return { dialect, seedS, rows };
  } finally {
    await app.close();
    await services.close();
    await env.cleanup();
  }
}

const date = new Date().toISOString().slice(0, 10);
const results = [];
for (const dialect of ['sqlite', 'postgres']) results.push(await measure(dialect));

console.log(
  `\nInbox at ${N.toLocaleString('en')} conversations, ${SAMPLES} samples per query, ${date}, app.inject (in process)\n`,
);
console.log('| database | query | p50 | p95 | goal p95 ≤ 20 ms |');
console.log('|---|---|---|---|---|');
let missed = 0;
for (const { dialect, rows } of results) {
  for (const row of rows) {
    const ok = row.p95 <= GOAL_P95_MS;
    if (!ok) missed += 1;
    console.log(
      `| ${dialect} | ${row.label} | ${row.p50.toFixed(1)} ms | ${row.p95.toFixed(1)} ms | ${ok ? 'met' : 'missed'} |`,
    );
  }
}
for (const { dialect, seedS } of results)
  console.log(`\n${dialect}: seeded in ${seedS.toFixed(1)} s`);
if (missed > 0) console.log(`\n${missed} queries miss the p95 goal.`);
