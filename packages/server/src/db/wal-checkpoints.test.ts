import assert from 'node:assert/strict';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { type DatabaseHandle, openDatabase } from './database.js';
import type { WalCheckpoint } from './wal-checkpoints.js';

describe('SQLite checkpoints off the event loop (openDatabase)', { timeout: 60_000 }, () => {
  let dir: string;
  let file: string;
  let handle: DatabaseHandle;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hilal-checkpoints-'));
    file = path.join(dir, 'test.sqlite');
    handle = openDatabase(`sqlite:${file}`, { checkpointEveryMs: 10 });
    await sql`CREATE TABLE pages (id INTEGER PRIMARY KEY, body TEXT)`.execute(handle.db);
  });
  after(async () => {
    await handle.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** 1,500 commits of a page each: past SQLite's own checkpoint at 1,000 pages of log. */
  const writePages = async () => {
    for (let i = 0; i < 1500; i += 1) {
      await sql`INSERT INTO pages (body) VALUES (${'x'.repeat(3000)})`.execute(handle.db);
    }
  };

  it("leaves checkpoints to the background thread: the server's connection holds off", async () => {
    const { rows } = await sql<{ wal_autocheckpoint: number }>`PRAGMA wal_autocheckpoint`.execute(
      handle.db,
    );
    assert.equal(rows[0]?.wal_autocheckpoint, 10_000);
  });

  /** The first checkpoint that started after `sinceMs` and meets `wanted`, whatever the timing. */
  const checkpointAfter = async (sinceMs: number, wanted: (c: WalCheckpoint) => boolean) => {
    const events = handle.walCheckpoints;
    assert.ok(events);
    for (;;) {
      const [report] = (await once(events, 'checkpoint')) as [WalCheckpoint];
      if (report.atMs > sinceMs && wanted(report)) return report;
    }
  };

  it('the background thread copies the whole log once writes pause, and the log starts over', async () => {
    await writePages();
    const copied = await checkpointAfter(Date.now(), (c) => c.checkpointed === c.log);
    assert.ok(copied.log > 0, JSON.stringify(copied));
    // The rows are in the database file itself, though the server's connection never copied.
    assert.ok(fs.statSync(file).size > 1500 * 3000, `database of ${fs.statSync(file).size} bytes`);
    // A fully copied log is reused from its start by the next write.
    await sql`INSERT INTO pages (body) VALUES ('after')`.execute(handle.db);
    const next = await checkpointAfter(Date.now(), () => true);
    assert.ok(next.log < 10, JSON.stringify(next));
  });

  it('stops its thread when the database closes', async () => {
    const other = openDatabase(`sqlite:${path.join(dir, 'other.sqlite')}`, {
      checkpointEveryMs: 10,
    });
    assert.ok(other.walCheckpoints);
    await once(other.walCheckpoints, 'checkpoint');
    await other.destroy();
    assert.equal(other.walCheckpoints.listenerCount('checkpoint'), 0);
  });
});
