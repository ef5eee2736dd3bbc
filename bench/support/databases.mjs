// Throwaway databases for the benchmarks: an SQLite file in a temporary folder, or a fresh
// PostgreSQL database on the local server (dropped afterwards), and a bulk seeder that writes
// large organizations in a few SQL statements instead of one insert per row.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import pg from 'pg';

export const POSTGRES_URL =
  process.env.HILAL_TEST_POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.HILAL_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export const DIALECT_NAMES = { sqlite: 'SQLite', postgres: 'PostgreSQL' };

/** Databases not dropped yet, so an interrupted run still removes them (`dropAll`). */
const live = new Set();

/** A fresh, empty database of `dialect`; `drop()` removes it and its folder. */
export async function createDatabase(dialect) {
  const database = await openDatabase(dialect);
  const drop = database.drop;
  const tracked = {
    ...database,
    drop: async () => {
      live.delete(tracked);
      await drop();
    },
  };
  live.add(tracked);
  return tracked;
}

export async function dropAll() {
  await Promise.allSettled([...live].map((database) => database.drop()));
}

async function openDatabase(dialect) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hilal-bench-'));
  if (dialect === 'sqlite') {
    const file = path.join(dataDir, 'hilal.sqlite');
    return {
      dialect,
      dataDir,
      url: `sqlite:${file}`,
      seed: (organization) => seedSqlite(file, organization),
      drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `hilal_bench_${randomBytes(6).toString('hex')}`;
  await onPostgres(POSTGRES_URL, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    dialect,
    dataDir,
    url: url.toString(),
    seed: (organization) =>
      onPostgres(url.toString(), (client) => seedPostgres(client, organization)),
    drop: async () => {
      await onPostgres(POSTGRES_URL, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
      );
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The subject of seeded conversation `n` (0-based): `user-n`, a verified contact. Every even `n`
 * has an open conversation the bot answers; every odd one is closed.
 */
export const seededSub = (n) => `user-${n}`;

// Ids look like the server's own (prefix, 24 hex digits): 8 of this organization's, 16 of `n`.
const at = Date.UTC(2026, 0, 1);

async function onPostgres(url, work) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A help centre's worth of knowledge entries for the bot (the built-in responder searches them
 * on every message), and `count` verified contacts, each with one conversation and one visitor
 * message.
 */
function seedSqlite(file, { orgId, botId, count }) {
  const db = new Sqlite(file);
  try {
    const tag = randomBytes(4).toString('hex');
    const params = { org: orgId, bot: botId, count, at, tag };
    const numbers =
      'WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k WHERE n + 1 < :count)';
    const id = (prefix) => `printf('${prefix}_%s%016x', :tag, n)`;
    db.transaction(() => {
      const knowledge = db.prepare(
        'INSERT INTO knowledge_entries (id, organization_id, chatbot_id, title, body, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      );
      KNOWLEDGE.forEach(([title, body], i) => {
        knowledge.run(
          `kb_${tag}${i.toString(16).padStart(16, '0')}`,
          orgId,
          botId,
          title,
          body,
          at,
        );
      });
      if (count === 0) return;
      db.prepare(
        `${numbers} INSERT INTO contacts (id, organization_id, chatbot_id, kind, sub, visitor_id, name, email, created_at, updated_at)
         SELECT ${id('ctc')}, :org, :bot, 'verified', 'user-' || n, NULL, 'User ' || n, 'user' || n || '@example.com', :at + n, :at + n FROM k`,
      ).run(params);
      db.prepare(
        `${numbers} INSERT INTO conversations (id, organization_id, chatbot_id, contact_id, identity, status, created_at, last_activity_at)
         SELECT ${id('cnv')}, :org, :bot, ${id('ctc')}, 'verified', CASE n % 2 WHEN 0 THEN 'bot' ELSE 'closed' END, :at + n, :at + n FROM k`,
      ).run(params);
      db.prepare(
        `${numbers} INSERT INTO messages (id, organization_id, conversation_id, client_message_id, author, text, identity_source, created_at)
         SELECT ${id('msg')}, :org, ${id('cnv')}, NULL, 'visitor', 'Where is my order?', 'verified', :at + n FROM k`,
      ).run(params);
    })();
  } finally {
    db.close();
  }
}

/**
 * The same rows as `seedSqlite`, then ANALYZE: a live PostgreSQL keeps statistics (autovacuum).
 * In transactions of `BATCH` conversations: the inbox's triggers (migration 006) update one
 * counts row per conversation, and in a single transaction of 100,000 those updates pile up
 * row versions that each next update walks (minutes instead of seconds).
 */
async function seedPostgres(client, { orgId, botId, count }) {
  const BATCH = 250;
  const tag = randomBytes(4).toString('hex');
  await client.query('BEGIN');
  for (const [i, [title, body]] of KNOWLEDGE.entries()) {
    await client.query(
      'INSERT INTO knowledge_entries (id, organization_id, chatbot_id, title, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [`kb_${tag}${i.toString(16).padStart(16, '0')}`, orgId, botId, title, body, at],
    );
  }
  await client.query('COMMIT');
  // $1 organization, $2 first n, $3 time, $4 tag, $5 last n (exclusive), $6 bot (only where a
  // bot column is written).
  const id = (prefix) => `'${prefix}_' || $4::text || lpad(to_hex(n), 16, '0')`;
  const rows = 'FROM generate_series($2::int, $5::int - 1) AS n';
  for (let first = 0; first < count; first += BATCH) {
    const values = [orgId, first, at, tag, Math.min(count, first + BATCH)];
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO contacts (id, organization_id, chatbot_id, kind, sub, visitor_id, name, email, created_at, updated_at)
       SELECT ${id('ctc')}, $1, $6, 'verified', 'user-' || n, NULL, 'User ' || n, 'user' || n || '@example.com', $3::bigint + n, $3::bigint + n ${rows}`,
      [...values, botId],
    );
    await client.query(
      `INSERT INTO conversations (id, organization_id, chatbot_id, contact_id, identity, status, created_at, last_activity_at)
       SELECT ${id('cnv')}, $1, $6, ${id('ctc')}, 'verified', CASE n % 2 WHEN 0 THEN 'bot' ELSE 'closed' END, $3::bigint + n, $3::bigint + n ${rows}`,
      [...values, botId],
    );
    await client.query(
      `INSERT INTO messages (id, organization_id, conversation_id, client_message_id, author, text, identity_source, created_at)
       SELECT ${id('msg')}, $1, ${id('cnv')}, NULL, 'visitor', 'Where is my order?', 'verified', $3::bigint + n ${rows}`,
      values,
    );
    await client.query('COMMIT');
  }
  await client.query('ANALYZE');
}

/** What the visitors of the chat measures ask; the first entry answers it. */
export const QUESTION = 'What are your opening hours on Saturday?';

const KNOWLEDGE = [
  [
    'Opening hours',
    'Our support team answers Monday to Friday from 8:00 to 20:00 and on Saturday from 9:00 to 14:00, Central European Time. On public holidays the shop is closed and replies arrive the next working day.',
  ],
  [
    'Shipping times',
    'Orders placed before 14:00 leave our warehouse the same day. Delivery takes one to two working days within the country and three to six days elsewhere in Europe. You receive a tracking link by email.',
  ],
  [
    'Shipping costs',
    'Shipping is free for orders above 50 euros. Below that we charge 4.90 euros within the country and 9.90 euros to the rest of Europe. Express delivery costs 12 euros.',
  ],
  [
    'Returns',
    'You may return any item within 30 days of delivery, unused and in its original packaging. Start a return from your account page; we email a prepaid label and refund within five days of receiving the parcel.',
  ],
  [
    'Payment methods',
    'We accept credit and debit cards, PayPal, bank transfer and invoice for business customers. Payment by invoice is due within 14 days. Cards are charged when the order ships.',
  ],
  [
    'Changing an order',
    'An order can be changed or cancelled until it leaves the warehouse. Write to us with the order number as soon as possible; once shipped, please use a return instead.',
  ],
  [
    'Warranty',
    'Every product carries a two-year warranty against manufacturing defects. Keep your invoice; for a claim, send us a photo of the defect and the order number and we will repair or replace the item.',
  ],
  [
    'Gift cards',
    'Gift cards are available from 10 to 500 euros, are valid for three years and can be combined with other payment methods. They cannot be exchanged for cash.',
  ],
  [
    'Account and password',
    'To reset your password, use the link on the sign-in page; the email arrives within minutes. Check your spam folder if it does not. Your account shows your orders, returns and invoices.',
  ],
  [
    'Business customers',
    'Companies can open a business account with invoice payment, volume discounts from ten units and a dedicated contact. Send us your company name and VAT number to apply.',
  ],
  [
    'Privacy',
    'We store only what we need to process your orders and never sell personal data. You can ask for a copy of your data or for its deletion at any time from your account page.',
  ],
  [
    'Store locations',
    'Besides the online shop we have stores in Berlin, Hamburg and Munich. Store opening hours differ from those of the support team; see the page of each store.',
  ],
];
