// Issue 10, "load": 200 widget sessions over two `hilal serve` instances (PostgreSQL, Redis),
// sending for a fixed time: no message lost or stored twice, no 5xx, every reply delivered on
// the live streams. Each session posts to both instances in turn and listens on the other one,
// so every reply crosses instances through Redis. Pacing keeps each visitor under the chat
// limit of 30 messages a minute (docs/contract.md §10).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { addKnowledgeEntry } from '../../src/chat/knowledge/knowledge-repository.js';
import { createTestEnvironment, type TestEnvironment } from '../support/databases.js';
import { openStream } from '../support/sse.js';
import { type SeededBot, seedBot } from '../support/test-app.js';
import {
  MASTER_KEY,
  type ProductionInstances,
  productionEnvironment,
  startProductionInstances,
} from './production-instances.js';
import { byForm, percentile, printFigures } from './proof-mode.js';

const SESSIONS = 200;
const SEND_MS = byForm(5_000, 60_000);
/** 28 a minute per visitor, under the limit of 30 whatever the timing of the replies. */
const MIN_INTERVAL_MS = Math.ceil(60_000 / 28);
/** How long, after sending stops, the last replies may take to arrive. */
const DRAIN_MS = 30_000;
/** As nginx says it (deploy/nginx/hilal.conf): the instances run with NODE_ENV=production. */
const VIA_PROXY = { 'x-forwarded-proto': 'https' };

interface Tally {
  acknowledged: Map<string, string>; // message id → client message id
  statuses: Map<number, number>;
  ackMs: number[];
  replyMs: number[];
  undelivered: number;
}

describe(`load: ${SESSIONS} widget sessions on two instances for ${SEND_MS / 1000} s`, {
  timeout: SEND_MS + 180_000,
}, () => {
  let env: TestEnvironment;
  let instances: ProductionInstances;
  let bot: SeededBot;

  before(async () => {
    env = await createTestEnvironment('postgres');
    instances = await startProductionInstances(
      productionEnvironment(env),
      async (services) => {
        bot = await seedBot(services);
        // A question the bot answers from its knowledge, so it never hands off and goes quiet.
        await addKnowledgeEntry(
          services.db,
          {
            organizationId: bot.orgId,
            chatbotId: bot.botId,
            title: 'Shipping',
            body: 'Shipping takes three working days, everywhere.',
          },
          services.now(),
        );
      },
      env.config({ HILAL_MASTER_KEY: MASTER_KEY }),
    );
  });
  after(async () => {
    await instances?.stop();
    await env?.cleanup();
  });

  it('nothing lost or stored twice, no 5xx, every reply delivered', async () => {
    const urls = instances.servers.map((server) => server.url);
    const tally: Tally = {
      acknowledged: new Map(),
      statuses: new Map(),
      ackMs: [],
      replyMs: [],
      undelivered: 0,
    };
    const count = (status: number) =>
      tally.statuses.set(status, (tally.statuses.get(status) ?? 0) + 1);

    const connecting = Date.now();
    const visitors = await Promise.all(
      Array.from({ length: SESSIONS }, (_, i) => connect(i, urls, bot, count)),
    );
    const connectS = (Date.now() - connecting) / 1000;
    const started = Date.now();
    const stopAt = started + SEND_MS;
    try {
      await Promise.all(visitors.map((v) => chat(v, urls, stopAt, tally, count)));
    } finally {
      for (const v of visitors) v.stream.close();
    }
    const elapsedS = (Date.now() - started) / 1000;

    const errors = [...tally.statuses].filter(([status]) => status !== 200);
    assert.deepEqual(errors, [], 'every request answered 200 (status, count)');
    assert.equal(tally.undelivered, 0, 'replies that never reached the stream');

    const db = new pg.Client({ connectionString: env.databaseUrl });
    await db.connect();
    try {
      const visitorRows = await db.query<{ id: string; client_message_id: string }>(
        "SELECT id, client_message_id FROM messages WHERE author = 'visitor'",
      );
      const stored = new Map(visitorRows.rows.map((row) => [row.id, row.client_message_id]));
      const lost = [...tally.acknowledged.keys()].filter((id) => !stored.has(id));
      assert.deepEqual(lost, [], 'acknowledged messages missing from the database');
      assert.equal(
        visitorRows.rows.length,
        tally.acknowledged.size,
        'visitor messages stored, against those acknowledged (a message stored twice)',
      );
      const replies = await db.query<{ n: string }>(
        "SELECT count(*) AS n FROM messages WHERE author = 'bot'",
      );
      assert.equal(Number(replies.rows[0]?.n), tally.acknowledged.size, 'one reply per message');
    } finally {
      await db.end();
    }

    printFigures('load', {
      sessions: SESSIONS,
      instances: 2,
      connect_s: connectS.toFixed(1),
      seconds: elapsedS.toFixed(1),
      messages: tally.acknowledged.size,
      messages_per_s: (tally.acknowledged.size / elapsedS).toFixed(1),
      ack_p50_ms: percentile(tally.ackMs, 50),
      ack_p99_ms: percentile(tally.ackMs, 99),
      reply_p50_ms: percentile(tally.replyMs, 50),
      reply_p99_ms: percentile(tally.replyMs, 99),
      non_200: 0,
      lost: 0,
      duplicated: 0,
    });
  });
});

interface Visitor {
  readonly i: number;
  readonly session: string;
  readonly stream: Awaited<ReturnType<typeof openStream>>;
}

/** One widget: a session from one instance, and its live stream on the other. */
async function connect(
  i: number,
  urls: readonly string[],
  bot: SeededBot,
  count: (status: number) => void,
): Promise<Visitor> {
  const created = await fetch(`${urls[i % 2]}/api/widget/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...VIA_PROXY },
    body: JSON.stringify({ orgId: bot.orgId, botId: bot.botId }),
  });
  count(created.status);
  assert.equal(created.status, 200);
  const { session } = (await created.json()) as { session: string };
  return {
    i,
    session,
    stream: await openStream(urls[(i + 1) % 2] ?? '', session, undefined, VIA_PROXY),
  };
}

/**
 * Sends one message at a time, to each instance in turn, until `stopAt`; each is waited for
 * until the bot's reply has arrived on the stream.
 */
async function chat(
  { i, session, stream }: Visitor,
  urls: readonly string[],
  stopAt: number,
  tally: Tally,
  count: (status: number) => void,
): Promise<void> {
  const botReplies = () =>
    stream.events.filter(
      (event) => event.event === 'message' && JSON.parse(event.data).author === 'bot',
    ).length;
  // Visitors start spread over one interval rather than all at once.
  const offset = Math.floor((i / SESSIONS) * MIN_INTERVAL_MS);
  await new Promise((resolve) => setTimeout(resolve, offset));
  for (let n = 0; Date.now() < stopAt; n++) {
    const sentAt = Date.now();
    const clientMessageId = `v${i}-m${n}`;
    const res = await fetch(`${urls[(i + n) % 2]}/api/chat/messages`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${session}`,
        ...VIA_PROXY,
      },
      body: JSON.stringify({ clientMessageId, text: `How long does shipping take? (${n})` }),
    });
    count(res.status);
    if (res.status !== 200) return;
    const { message } = (await res.json()) as { message: { id: string } };
    tally.ackMs.push(Date.now() - sentAt);
    tally.acknowledged.set(message.id, clientMessageId);
    const delivered = await Promise.race([
      stream.waitFor(() => botReplies() > n).then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), DRAIN_MS).unref()),
    ]);
    if (!delivered) {
      tally.undelivered += 1;
      return;
    }
    tally.replyMs.push(Date.now() - sentAt);
    const next = sentAt + MIN_INTERVAL_MS;
    if (next >= stopAt) return;
    if (next > Date.now()) await new Promise((resolve) => setTimeout(resolve, next - Date.now()));
  }
}
