import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { openServices } from '../src/services.js';
import { createTestEnvironment, type TestEnvironment } from './support/databases.js';
import { runHilal, runHilalJson } from './support/run-hilal.js';
import { type ServerProcess, startServerProcess } from './support/server-process.js';
import { type SeededBot, seedBot } from './support/test-app.js';

const MASTER_KEY = 'ef'.repeat(32);

/** A visitor of the running server, over HTTP: a new one every 20 messages (the chat limit is 30). */
async function visitor(server: ServerProcess, bot: SeededBot): Promise<string> {
  const res = await fetch(`${server.url}/api/widget/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ orgId: bot.orgId, botId: bot.botId }),
  });
  assert.equal(res.status, 200);
  return ((await res.json()) as { session: string }).session;
}

describe('hilal backup: SQLite through the online backup API', () => {
  let env: TestEnvironment;
  let bot: SeededBot;
  let server: ServerProcess;

  before(async () => {
    env = await createTestEnvironment('sqlite');
    const services = await openServices(env.config({ HILAL_MASTER_KEY: MASTER_KEY }), {
      flushIntervalMs: 0,
    });
    bot = await seedBot(services);
    await services.close();
    server = await startServerProcess(env.env({ HILAL_MASTER_KEY: MASTER_KEY }));
  });
  after(async () => {
    await server?.stop();
    await env?.cleanup();
  });

  it('a backup taken while the server writes opens, passes integrity_check and holds every message acknowledged before it, mode 0600 whatever the umask', {
    timeout: 60_000,
  }, async () => {
    // An open read transaction keeps SQLite from checkpointing past it, so everything written
    // from here on lives in the write-ahead log only: a plain copy of the file would miss it all.
    const reader = new SQLite(env.databaseUrl.slice('sqlite:'.length), { readonly: true });
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM messages').get();
    const acknowledged: string[] = [];
    let writing = true;
    let session = '';
    const writer = (async () => {
      for (let n = 0; writing; n++) {
        if (n % 20 === 0) session = await visitor(server, bot);
        const res = await fetch(`${server.url}/api/chat/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${session}` },
          body: JSON.stringify({ clientMessageId: `m${n}`, text: `hello number ${n}` }),
        });
        assert.equal(res.status, 200, await res.clone().text());
        acknowledged.push(((await res.json()) as { message: { id: string } }).message.id);
      }
    })();
    const deadline = Date.now() + 20_000;
    while (acknowledged.length < 30 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.ok(acknowledged.length >= 30, 'the server was writing');

    const target = path.join(env.dataDir, 'backups', 'hilal-backup.sqlite');
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const umask = process.umask(0);
    let printed: Record<string, unknown>;
    let before: string[] = [];
    try {
      await runHilalJson(['backup', target], env.env({ HILAL_MASTER_KEY: MASTER_KEY }));
      // A second backup over the first replaces it whole, still while the server writes.
      before = [...acknowledged];
      printed = await runHilalJson(['backup', target], env.env({ HILAL_MASTER_KEY: MASTER_KEY }));
    } finally {
      process.umask(umask);
      writing = false;
      await writer;
      reader.exec('COMMIT');
      reader.close();
    }
    assert.ok(acknowledged.length > before.length, 'writes went on during the backup');

    assert.deepEqual(printed, { path: target, bytes: fs.statSync(target).size });
    assert.equal(fs.statSync(target).mode & 0o777, 0o600);
    assert.deepEqual(
      fs.readdirSync(path.dirname(target)),
      ['hilal-backup.sqlite'],
      'no partial file left',
    );

    const copy = new SQLite(target, { readonly: true });
    try {
      assert.equal(copy.pragma('integrity_check', { simple: true }), 'ok');
      const ids = new Set(
        copy.prepare("SELECT id FROM messages WHERE author = 'visitor'").pluck().all().map(String),
      );
      const missing = before.filter((id) => !ids.has(id));
      assert.deepEqual(missing, [], 'every message acknowledged before the backup is in it');
      assert.equal(
        copy.prepare('SELECT count(*) FROM chatbots WHERE id = ?').pluck().get(bot.botId),
        1,
      );
    } finally {
      copy.close();
    }
  });

  it('refuses a folder, a folder that does not exist, and the database itself', async () => {
    const nowhere = await runHilal(
      ['backup', `${env.dataDir}/missing/backup.sqlite`],
      env.env({ HILAL_MASTER_KEY: MASTER_KEY }),
    );
    assert.equal(nowhere.code, 1);
    assert.match(nowhere.stderr, /^hilal: there is no folder .*missing: create it first\n$/);
    const run = await runHilal(['backup', env.dataDir], env.env({ HILAL_MASTER_KEY: MASTER_KEY }));
    assert.equal(run.code, 1);
    assert.match(run.stderr, /is a folder/);
    const self = await runHilal(
      ['backup', env.databaseUrl.slice('sqlite:'.length)],
      env.env({ HILAL_MASTER_KEY: MASTER_KEY }),
    );
    assert.equal(self.code, 1);
    assert.match(self.stderr, /the backup path is the database itself/);
  });
});

describe('hilal backup on PostgreSQL', () => {
  it('refuses, pointing at pg_dump, and writes nothing', async () => {
    const env = await createTestEnvironment('postgres');
    try {
      const target = path.join(env.dataDir, 'pg-backup.sqlite');
      const run = await runHilal(['backup', target], env.env());
      assert.equal(run.code, 1);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, /^hilal: hilal backup copies SQLite databases only; .*pg_dump/);
      assert.equal(fs.existsSync(target), false);
    } finally {
      await env.cleanup();
    }
  });
});
