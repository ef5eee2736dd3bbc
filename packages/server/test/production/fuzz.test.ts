// Issue 10, "fuzz": mutated and random tokens and request bodies against verify-jwt, the chat
// API and the admin API, on SQLite and PostgreSQL, through `app.inject` (nothing here is about
// the network). Never a 5xx; never `verified` for a token the bot's secret did not sign (the
// oracle is computed here with node:crypto, not by the server's code); a mutated credential
// never passes; the database unharmed. Seeded: HILAL_FUZZ_SEED=<printed seed> replays a run.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { createChatbot } from '../../src/bots/chatbots-repository.js';
import type { Database } from '../../src/db/schema.js';
import { type AdminClient, signedInAdmin } from '../support/admin-client.js';
import { DIALECTS } from '../support/databases.js';
import { type SeededBot, seedBot, startTestApp, type TestApp } from '../support/test-app.js';
import { byForm, printFigures } from './proof-mode.js';
import { SeededRandom } from './seeded-random.js';
import { mutatedToken, signedBy, TOKEN_MUTATIONS, type TokenBase } from './token-mutations.js';

/** Inputs per database: 1,000 in `npm test`, 50,000 under `npm run proof` (100,000 in all). */
const PER_DATABASE = byForm(1_000, 50_000);
const SHARE = { verify: 0.6, chat: 0.2, admin: 0.2 } as const;

/** Tables no fuzzed request may add to or remove from. */
const UNCHANGED: ReadonlyArray<keyof Database> = [
  'organizations',
  'users',
  'chatbots',
  'widget_secrets',
  'widget_session_revocations',
  'secret_audit_log',
  'admin_sessions',
];

class Tally {
  readonly statuses = new Map<number, number>();
  readonly failures: string[] = [];
  requests = 0;
  unsendable = 0;

  count(status: number) {
    this.requests += 1;
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
  }

  fail(what: string) {
    if (this.failures.length < 20) this.failures.push(what);
  }

  /** `200:812 401:1500 …` */
  histogram(): string {
    return [...this.statuses]
      .sort(([a], [b]) => a - b)
      .map(([status, n]) => `${status}:${n}`)
      .join(',');
  }
}

for (const dialect of DIALECTS) {
  describe(`fuzz on ${dialect}: ${PER_DATABASE} tokens and bodies`, {
    timeout: byForm(120_000, 1_800_000),
  }, () => {
    const random = SeededRandom.fromEnvironment();
    let t: TestApp;
    let bot: SeededBot;
    let otherBotId: string;
    let otherSecret: string;
    let admin: AdminClient;
    let before0: Map<string, number>;
    const storedVisitorMessages = { expected: 0 };
    const knowledge = { expected: 0 };
    const started = Date.now();
    const tallies = { verify: new Tally(), chat: new Tally(), admin: new Tally() };

    const inject = async (
      tally: Tally,
      label: string,
      options: InjectOptions,
    ): Promise<LightMyRequestResponse | undefined> => {
      let res: LightMyRequestResponse;
      try {
        res = await t.app.inject(options);
      } catch {
        // light-my-request refuses to form some requests (a header with a newline): not sent.
        tally.unsendable += 1;
        return undefined;
      }
      tally.count(res.statusCode);
      if (res.statusCode >= 500) {
        tally.fail(`${label}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      }
      return res;
    };
    const tokenBase = (): TokenBase => ({
      secret: bot.secret ?? '',
      otherSecret,
      nowS: Math.floor(Date.now() / 1000),
    });

    before(async () => {
      t = await startTestApp(dialect, {
        LOG_LEVEL: 'silent',
        HILAL_VERIFY_FAILURES_PER_MIN: '1000000000',
      });
      bot = await seedBot(t.services);
      const other = await createChatbot(t.services.db, bot.orgId, 'Other', t.services.now());
      otherBotId = other.id;
      otherSecret = (await t.services.secrets.rotate(bot.orgId, other.id, 'test')).secret;
      admin = await signedInAdmin(t.app, t.services, 'owner@fuzz.test', 'owner', bot.orgId);
      before0 = await rowCounts(t);
      console.log(
        `[fuzz] ${dialect}: seed ${random.seed} (HILAL_FUZZ_SEED=${random.seed} replays it)`,
      );
    });
    after(() => t?.close());

    it('verify-jwt: no 5xx, never verified for a token the secret did not sign', async () => {
      const tally = tallies.verify;
      let verified = 0;
      for (let n = 0; n < PER_DATABASE * SHARE.verify; n++) {
        const { name, token } = mutatedToken(tokenBase(), random);
        const toOther = random.chance(0.1);
        const botId = toOther ? otherBotId : bot.botId;
        const raw = random.chance(0.15);
        const payload = raw
          ? rawBody(random, { orgId: bot.orgId, botId, token })
          : JSON.stringify({ orgId: bot.orgId, botId, token });
        const contentType = random.pick(CONTENT_TYPES);
        const res = await inject(
          tally,
          `#${n} ${name}${raw ? ' (raw body)' : ''} as ${contentType}`,
          {
            method: 'POST',
            url: '/api/widget/verify-jwt',
            headers: { 'content-type': contentType },
            payload,
          },
        );
        if (res?.statusCode !== 200) continue;
        verified += 1;
        const body = res.json() as { verified?: unknown; claims?: Record<string, unknown> };
        const secret = toOther ? otherSecret : (bot.secret ?? '');
        const sent = raw ? tokenIn(payload) : token;
        if (
          body.verified !== true ||
          sent === undefined ||
          !signedBy(secret, sent) ||
          algOf(sent) !== 'HS256'
        ) {
          tally.fail(
            `#${n} ${name}: verified a token the secret did not sign: ${String(sent).slice(0, 120)}`,
          );
        }
        const keys = Object.keys(body.claims ?? {}).filter(
          (key) => !['sub', 'name', 'email'].includes(key),
        );
        if (keys.length > 0) tally.fail(`#${n} ${name}: claims beyond sub, name, email: ${keys}`);
      }
      assert.deepEqual(tally.failures, [], `seed ${random.seed}`);
      assert.ok(verified > 0, 'some valid tokens verified: the oracle was exercised');
    });

    it('chat API: no 5xx, a mutated session never passes, each message stored once', async () => {
      const tally = tallies.chat;
      let session = '';
      let accepted = 0;
      const newSession = async () => {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/widget/session',
          payload: { orgId: bot.orgId, botId: bot.botId },
        });
        assert.equal(res.statusCode, 200, res.body);
        session = res.json().session;
        accepted = 0;
      };
      await newSession();
      for (let n = 0; n < PER_DATABASE * SHARE.chat; n++) {
        if (accepted >= 25) await newSession(); // under the chat limit of 30 a minute
        const credential = random.chance(0.15) ? mutate(session, random) : session;
        const headers: Record<string, string> = {
          authorization: random.chance(0.05) ? credential : `Bearer ${credential}`,
          'x-hilal-identity-source': random.pick([
            'anonymous',
            'verified',
            'self-reported',
            'root',
            '',
          ]),
        };
        const history = random.chance(0.15);
        const res = await inject(
          tally,
          `#${n}`,
          history
            ? { method: 'GET', url: `/api/chat/history?${randomQuery(random)}`, headers }
            : {
                method: 'POST',
                url: '/api/chat/messages',
                headers: {
                  ...headers,
                  'content-type': random.chance(0.6)
                    ? 'application/json'
                    : random.pick(CONTENT_TYPES),
                },
                payload: chatBody(random),
              },
        );
        if (res === undefined) continue;
        // Whitespace around a credential is not part of it (the header's value is trimmed).
        if (credential.trim() !== session && res.statusCode === 200) {
          const common = commonPrefix(credential, session);
          tally.fail(
            `#${n}: a mutated session credential passed: …${JSON.stringify(session.slice(common))} became …${JSON.stringify(credential.slice(common))}`,
          );
        }
        if (!history && res.statusCode === 200) {
          accepted += 1; // duplicates count towards the limit too
          if (res.json().duplicate === false) storedVisitorMessages.expected += 1;
        }
        if (res.statusCode === 429) await newSession();
      }
      await t.app.replies.drain();
      assert.deepEqual(tally.failures, [], `seed ${random.seed}`);
      assert.ok(storedVisitorMessages.expected > 0, 'some messages were accepted');
    });

    it('admin API: no 5xx, a mutated cookie never passes, "Check a token" keeps the oracle', async () => {
      const tally = tallies.admin;
      const ids: string[] = [];
      for (let n = 0; n < PER_DATABASE * SHARE.admin; n++) {
        const cookie = random.chance(0.1) ? mutate(admin.cookie, random) : admin.cookie;
        const headers = { cookie, 'x-hilal-csrf': '1', 'content-type': 'application/json' };
        const kind = random.int(6);
        const base = `/api/admin/bots/${bot.botId}`;
        const entry = ids.length > 0 && random.chance(0.7) ? random.pick(ids) : pathPart(random);
        const options: InjectOptions = [
          { method: 'PATCH', url: base, payload: settingsBody(random) },
          { method: 'POST', url: `${base}/knowledge`, payload: knowledgeBody(random) },
          {
            method: random.pick(['PATCH', 'DELETE'] as const),
            url: `${base}/knowledge/${entry}`,
            payload: knowledgeBody(random),
          },
          {
            method: 'POST',
            url: `${base}/secret/check`,
            payload: JSON.stringify({ token: mutatedToken(tokenBase(), random).token }),
          },
          { method: 'GET', url: `/api/admin/conversations?${randomQuery(random)}` },
          {
            method: random.pick(['GET', 'POST', 'PUT', 'DELETE'] as const),
            url: `/api/admin/${pathPart(random)}/${pathPart(random)}`,
          },
        ][kind] as InjectOptions;
        if (options.method === 'DELETE' || options.method === 'GET') delete options.payload;
        const res = await inject(tally, `#${n} ${options.method} ${kind}`, { ...options, headers });
        if (res === undefined) continue;
        // A cookie header that still carries the same session cookie (text appended after a `;`)
        // is the same sign-in.
        if (cookieValue(cookie) !== cookieValue(admin.cookie) && res.statusCode < 400) {
          tally.fail(`#${n}: a mutated cookie passed (${res.statusCode})`);
        }
        if (kind === 1 && res.statusCode === 201) {
          ids.push(res.json().id);
          knowledge.expected += 1;
        }
        if (kind === 2 && options.method === 'DELETE' && res.statusCode === 204) {
          ids.splice(ids.indexOf(entry), 1);
          knowledge.expected -= 1;
        }
        if (kind === 3 && res.statusCode === 200 && res.json().verified === true) {
          const token = (JSON.parse(String(options.payload)) as { token: string }).token;
          if (!signedBy(bot.secret ?? '', token) || algOf(token) !== 'HS256') {
            tally.fail(`#${n}: "Check a token" verified a token the secret did not sign`);
          }
        }
      }
      assert.deepEqual(tally.failures, [], `seed ${random.seed}`);
    });

    it('the database is unharmed, and the app still verifies and chats', async () => {
      const now = await rowCounts(t);
      for (const table of UNCHANGED) {
        assert.equal(now.get(table), before0.get(table), `${table} rows`);
      }
      assert.equal(now.get('visitor messages'), storedVisitorMessages.expected, 'each stored once');
      assert.equal(now.get('knowledge_entries'), knowledge.expected);
      if (dialect === 'sqlite') {
        const integrity = await sql<{ integrity_check: string }>`PRAGMA integrity_check`.execute(
          t.services.db,
        );
        assert.deepEqual(integrity.rows, [{ integrity_check: 'ok' }]);
        const foreignKeys = await sql`PRAGMA foreign_key_check`.execute(t.services.db);
        assert.deepEqual(foreignKeys.rows, []);
      }
      const [name, makeValid] = TOKEN_MUTATIONS[0] ?? ['', () => ''];
      assert.equal(name, 'valid');
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/widget/verify-jwt',
        payload: { orgId: bot.orgId, botId: bot.botId, token: makeValid(tokenBase(), random) },
      });
      assert.equal(res.statusCode, 200, res.body);

      const seconds = (Date.now() - started) / 1000;
      const total = tallies.verify.requests + tallies.chat.requests + tallies.admin.requests;
      printFigures(`fuzz ${dialect}`, {
        seed: random.seed,
        inputs: total,
        per_s: (total / seconds).toFixed(0),
        verify: tallies.verify.histogram(),
        chat: tallies.chat.histogram(),
        admin: tallies.admin.histogram(),
        unsendable: tallies.verify.unsendable + tallies.chat.unsendable + tallies.admin.unsendable,
        stored_messages: storedVisitorMessages.expected,
        '5xx': 0,
      });
    });
  });
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'text/plain;charset=UTF-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  '',
];

/** A body that is not the expected shape: other JSON, not JSON at all, or too large. */
function rawBody(r: SeededRandom, fields: Record<string, unknown>): string {
  switch (r.int(6)) {
    case 0:
      return JSON.stringify(r.json(4));
    case 1:
      return r.text(300);
    case 2:
      return JSON.stringify({ ...fields, [r.pick(Object.keys(fields))]: r.json(2) });
    case 3:
      return `${JSON.stringify(fields).slice(0, -1)},"pad":"${'x'.repeat(17_000)}"}`;
    case 4:
      return `${'['.repeat(5000)}${']'.repeat(5000)}`;
    default:
      return JSON.stringify(fields).replace('"token":', '"token":"x","token":');
  }
}

/** The token a raw body carries, as the server would read it, when it is JSON with a string token. */
function tokenIn(body: string): string | undefined {
  try {
    const value: unknown = JSON.parse(body);
    if (typeof value === 'object' && value !== null && 'token' in value) {
      return typeof value.token === 'string' ? value.token : undefined;
    }
  } catch {}
  return undefined;
}

function algOf(token: string): unknown {
  try {
    return JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()).alg;
  } catch {
    return undefined;
  }
}

/** A credential or cookie with one change: a character replaced, cut short, or lengthened. */
function mutate(value: string, r: SeededRandom): string {
  const at = r.int(value.length);
  switch (r.int(4)) {
    case 0:
      return value.slice(0, at) + String.fromCharCode(33 + r.int(94)) + value.slice(at + 1);
    case 1:
      return value.slice(0, at);
    case 2:
      return `${value}${r.text(5)}`;
    default:
      return r.text(60);
  }
}

function chatBody(r: SeededRandom): string {
  const fresh = `m-${r.int(1_000_000)}`;
  const clientMessageId = r.pick([
    fresh,
    fresh,
    fresh,
    'c1',
    'c2',
    r.text(12),
    '',
    'x'.repeat(300),
  ]);
  switch (r.int(5)) {
    case 0:
    case 1:
      return JSON.stringify({
        clientMessageId,
        text: r.chance(0.6) ? r.words(r.pick([20, 200, 4100])) : r.text(r.pick([20, 200, 5000])),
      });
    case 2:
      return JSON.stringify(r.json(4));
    case 3:
      return JSON.stringify({ clientMessageId: r.json(1), text: r.json(1), extra: r.json(2) });
    default:
      return r.text(400);
  }
}

function settingsBody(r: SeededRandom): string {
  const fields = ['name', 'welcome', 'allowedOrigins', 'color', 'title', 'position'];
  const body: Record<string, unknown> = {};
  for (const field of fields)
    if (r.chance(0.3)) body[field] = r.chance(0.5) ? r.text(60) : r.json(2);
  if (r.chance(0.2))
    body.allowedOrigins = [r.pick(['https://shop.test', 'http://a:1', 'ftp://x', r.text(30)])];
  return r.chance(0.1) ? r.text(200) : JSON.stringify(body);
}

function knowledgeBody(r: SeededRandom): string {
  return r.chance(0.2)
    ? JSON.stringify(r.json(3))
    : JSON.stringify({ title: r.text(r.pick([10, 250])), body: r.text(r.pick([100, 11_000])) });
}

/** A path segment: usually percent-encoded text, sometimes broken encodings. */
function pathPart(r: SeededRandom): string {
  return r.chance(0.8)
    ? encodeURIComponent(r.text(20).replace(/[\ud800-\udfff]/g, 'x'))
    : r.pick(['%', '%zz', '%00', '%c0%80', '..', '%2e%2e', 'a'.repeat(3000), '']);
}

function randomQuery(r: SeededRandom): string {
  const keys = ['limit', 'cursor', 'status', 'identity', 'assignee', 'botId', 'q', r.text(5)];
  return Array.from(
    { length: r.int(4) },
    () => `${pathPart(r)}=${pathPart(r)}&${r.pick(keys)}=${pathPart(r)}`,
  ).join('&');
}

/** Rows per table, and the visitors' messages apart. */
async function rowCounts(t: TestApp): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const table of [...UNCHANGED, 'knowledge_entries'] as const) {
    const row = await t.services.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    counts.set(table, Number(row.n));
  }
  const visitor = await t.services.db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('author', '=', 'visitor')
    .executeTakeFirstOrThrow();
  counts.set('visitor messages', Number(visitor.n));
  return counts;
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i;
}

/** The value of the first cookie in a Cookie header, as a server reads it. */
function cookieValue(header: string): string | undefined {
  const first = header.split(';')[0] ?? '';
  const equals = first.indexOf('=');
  return equals === -1
    ? undefined
    : `${first.slice(0, equals).trim()}=${first.slice(equals + 1).trim()}`;
}
