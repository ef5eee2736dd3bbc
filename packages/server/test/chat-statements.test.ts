import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { signedInAdmin } from './support/admin-client.js';
import type { TestDialect } from './support/databases.js';
import { seedBot, startTestApp, type TestApp } from './support/test-app.js';
import { WidgetClient } from './support/widget-client.js';

// The statements of a verified visitor's message on PostgreSQL, in order, as `postMessage` in
// src/chat/chat-service.ts describes them: one row per statement.
const MESSAGE: Array<[string, RegExp]> = [
  [
    'the session is not logged out, the bot (settings, knowledge version) and its signing secrets',
    /^select .*, exists \(select .* from "widget_session_revocations" .*\) as "revoked" from "chatbots" left join "widget_secrets" as "active" .* left join "widget_secrets" as "pending" /,
  ],
  ['the contact and its open conversation', /^select .* from "contacts" left join "conversations"/],
  // Its trigger moves the conversation's activity and newest visitor message (migration 008).
  ['the message', /^insert into "messages"/],
  ["the bot's reply", /^insert into "messages"/],
];

/** An app whose statements are recorded, with a visitor verified on it. */
async function recordingApp(dialect: TestDialect) {
  let recording = false;
  const statements: string[] = [];
  const clock = { skewMs: 0 };
  const t = await startTestApp(
    dialect,
    {},
    {
      databaseLog: (event) => {
        if (recording) statements.push(event.query.sql.replace(/\s+/g, ' '));
      },
      now: () => Date.now() + clock.skewMs,
    },
  );
  const widget = new WidgetClient(t.app, await seedBot(t.services));
  assert.equal((await widget.verify(widget.token('user-1', { name: 'Ann' }))).statusCode, 200);

  const record = async (run: () => Promise<void>) => {
    statements.length = 0;
    recording = true;
    await run();
    recording = false;
    return [...statements];
  };
  /** The statements of a message, from its request until the bot's reply is stored. */
  const send = (text: string) =>
    record(async () => {
      const res = await widget.send(text);
      await t.app.replies.drain();
      assert.equal(res.statusCode, 200, res.body);
    });
  /** The caller's conversation as stored: what a message may move. */
  const conversation = async () =>
    t.services.db
      .selectFrom('conversations')
      .select(['id', 'last_activity_at', 'last_visitor_seq', 'identity', 'status'])
      .where('id', '=', (await widget.history()).json().conversationId)
      .executeTakeFirstOrThrow();
  return { t, widget, clock, record, send, conversation };
}

describe('the statements of a widget message (postgres)', () => {
  let t: TestApp;
  let widget: WidgetClient;
  let record: (run: () => Promise<void>) => Promise<string[]>;
  let send: (text: string) => Promise<string[]>;
  let app: Awaited<ReturnType<typeof recordingApp>>;

  before(async () => {
    app = await recordingApp('postgres');
    ({ t, widget, record, send } = app);
  });
  after(() => t.close());

  it('the first message opens the conversation in one transaction behind the contact row', async () => {
    const list = await send('hello');
    const begin = list.indexOf('begin');
    const commit = list.indexOf('commit');
    assert.ok(begin >= 0 && commit > begin, list.join('\n'));
    const writes = list.flatMap((s, i) => (/^(insert|update|delete|with)\b/.test(s) ? [i] : []));
    // The visitor's writes are all in the transaction; only the bot's reply, last, is not.
    assert.deepEqual(
      writes.filter((i) => i < begin || i > commit),
      [list.length - 1],
      list.join('\n'),
    );
    const inTransaction = list.slice(begin + 1, commit);
    assert.match(inTransaction[0] ?? '', /^insert into "contacts"/);
    assert.ok(
      inTransaction.some((s) => /^insert into "conversations"/.test(s)),
      list.join('\n'),
    );
  });

  it(`a message to the open conversation is ${MESSAGE.length} statements, each write one statement`, async () => {
    const list = await send('thanks');
    assert.equal(list.length, MESSAGE.length, list.join('\n'));
    MESSAGE.forEach(([what, pattern], i) => {
      assert.match(list[i] ?? '', pattern, `statement ${i + 1}: ${what}\n${list.join('\n')}`);
    });
  });

  it('a retried message is stored once and leaves the conversation alone', async () => {
    const first = await widget.send('Where is my order?', 'retry-1');
    await t.app.replies.drain();
    const stored = await app.conversation();
    // A minute later: a touch would move the activity.
    app.clock.skewMs += 60_000;
    const list = await record(async () => {
      const again = await widget.send('Where is my order?', 'retry-1');
      assert.equal(again.statusCode, 200);
      assert.equal(again.json().message.id, first.json().message.id);
    });
    assert.match(list.at(-1) ?? '', /^select .* from "messages"/, list.join('\n'));
    assert.ok(!list.some((s) => /^(update|with)\b/.test(s)), list.join('\n'));
    assert.deepEqual(await app.conversation(), stored);
  });

  it("an agent's reply is one write: the message and the conversation's handover in one statement", async () => {
    const conversationId = (await widget.history()).json().conversationId;
    const agent = await signedInAdmin(
      t.app,
      t.services,
      'agent@statements.test',
      'agent',
      widget.bot.orgId,
    );
    const list = await record(async () => {
      const res = await agent.call('POST', `/api/admin/conversations/${conversationId}/messages`, {
        text: 'On its way.',
      });
      assert.equal(res.statusCode, 200, res.body);
    });
    const writes = list.filter((s) => /^(insert|update|delete|with|begin|commit)\b/.test(s));
    assert.equal(writes.length, 1, list.join('\n'));
    assert.match(
      writes[0] ?? '',
      /^with "stored" as \(insert into "messages".*"touched" as \(update "conversations" set .*"status"/,
      list.join('\n'),
    );
  });
});

describe('the statements of a widget message (sqlite)', () => {
  let t: TestApp;
  let send: (text: string) => Promise<string[]>;
  let app: Awaited<ReturnType<typeof recordingApp>>;
  before(async () => {
    app = await recordingApp('sqlite');
    ({ t, send } = app);
  });
  after(() => t.close());

  it('a message to the open conversation writes two inserts, no transaction: their trigger moves the conversation', async () => {
    await send('hello');
    const before = await app.conversation();
    app.clock.skewMs += 60_000;
    const list = await send('thanks');
    const writes = list.filter((s) => /^(insert|update|delete|begin|commit)\b/.test(s));
    assert.equal(writes.length, 2, list.join('\n'));
    for (const write of writes) assert.match(write, /^insert into "messages"/, list.join('\n'));
    const after = await app.conversation();
    assert.ok(after.last_activity_at >= before.last_activity_at + 60_000, JSON.stringify(after));
    assert.ok(after.last_visitor_seq > before.last_visitor_seq, JSON.stringify(after));
    assert.deepEqual(
      { identity: after.identity, status: after.status },
      { identity: before.identity, status: before.status },
    );
  });

  const SECRETS = /"widget_secrets"/;
  const ONE_READ =
    /^select .*, exists \(select .* from "widget_session_revocations" .*\) as "revoked" from "chatbots" /;

  // SQLite's signing keys are cached until another connection commits (identity/signing-keys.ts):
  // reading them costs more than the cache, so the chat API reads them only when it must.
  it('the session and its bot are one read; the secrets join it only after a commit elsewhere', async () => {
    await send('hello');
    const warm = await send('thanks');
    assert.match(warm[0] ?? '', ONE_READ, warm.join('\n'));
    assert.ok(!warm.some((s) => SECRETS.test(s)), warm.join('\n'));

    // Another process commits: anything, here a new name (the same value would write nothing).
    const other = new SQLite(t.env.databaseUrl.slice('sqlite:'.length));
    other.prepare("UPDATE chatbots SET name = 'Renamed elsewhere'").run();
    other.close();
    const cold = await send('again');
    assert.match(cold[0] ?? '', ONE_READ, cold.join('\n'));
    assert.match(cold[0] ?? '', /from "chatbots" left join "widget_secrets" as "active"/);
    assert.equal(cold.filter((s) => SECRETS.test(s)).length, 1, cold.join('\n'));

    // What that read found is cached again.
    const again = await send('and again');
    assert.ok(!again.some((s) => SECRETS.test(s)), again.join('\n'));
  });
});
