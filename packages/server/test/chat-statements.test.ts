import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seedBot, startTestApp, type TestApp } from './support/test-app.js';
import { WidgetClient } from './support/widget-client.js';

// The statements of a verified visitor's message on PostgreSQL, in order, as `postMessage` in
// src/chat/chat-service.ts describes them: one row per statement.
const MESSAGE: Array<[string, RegExp]> = [
  ['the session is not logged out', /^select .* from "widget_session_revocations"/],
  [
    'the bot: settings and knowledge version',
    /^select "name", "settings", "knowledge_version" from "chatbots"/,
  ],
  ["the bot's signing secrets (verified)", /^select .* from "chatbots" left join "widget_secrets"/],
  ['the contact and its open conversation', /^select .* from "contacts" left join "conversations"/],
  [
    "the message and its conversation's touch",
    /^with "stored" as \(insert into "messages".*"touched" as \(update "conversations"/,
  ],
  [
    "the bot's reply and the touch",
    /^with "stored" as \(insert into "messages".*"touched" as \(update "conversations"/,
  ],
];

describe('the statements of a widget message (postgres)', () => {
  let t: TestApp;
  let widget: WidgetClient;
  let recording = false;
  const statements: string[] = [];

  before(async () => {
    t = await startTestApp(
      'postgres',
      {},
      {
        databaseLog: (event) => {
          if (recording) statements.push(event.query.sql.replace(/\s+/g, ' '));
        },
      },
    );
    widget = new WidgetClient(t.app, await seedBot(t.services));
    assert.equal((await widget.verify(widget.token('user-1', { name: 'Ann' }))).statusCode, 200);
  });
  after(() => t.close());

  /** The statements of a message, from its request until the bot's reply is stored. */
  const send = async (text: string) => {
    statements.length = 0;
    recording = true;
    const res = await widget.send(text);
    await t.app.replies.drain();
    recording = false;
    assert.equal(res.statusCode, 200, res.body);
    return [...statements];
  };

  const record = async (run: () => Promise<void>) => {
    statements.length = 0;
    recording = true;
    await run();
    recording = false;
    return [...statements];
  };

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
    const list = await record(async () => {
      const again = await widget.send('Where is my order?', 'retry-1');
      assert.equal(again.statusCode, 200);
      assert.equal(again.json().message.id, first.json().message.id);
    });
    assert.match(list.at(-1) ?? '', /^select .* from "messages"/, list.join('\n'));
    assert.ok(!list.some((s) => /^(insert|update)\b/.test(s)), list.join('\n'));
  });
});
