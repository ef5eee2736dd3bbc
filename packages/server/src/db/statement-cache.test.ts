import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { type DatabaseHandle, openDatabase } from './database.js';

describe('SQLite statements and statistics (openDatabase)', () => {
  let dir: string;
  let handle: DatabaseHandle;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hilal-statements-'));
    handle = openDatabase(`sqlite:${path.join(dir, 'test.sqlite')}`, { optimizeEveryMs: 20 });
    await handle.db.schema
      .createTable('items')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('kind', 'text')
      .execute();
    await handle.db.schema.createIndex('items_kind').on('items').column('kind').execute();
    await sql`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
      INSERT INTO items SELECT i, 'k' || (i % 10) FROM n`.execute(handle.db);
  });
  after(async () => {
    await handle.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  // A table of this test's own, outside the app's schema: queried as raw SQL.
  const items = async (kind: string) =>
    (await sql<{ id: number }>`SELECT id FROM items WHERE kind = ${kind}`.execute(handle.db)).rows;

  it('compiles a statement once and reuses it, with each call its own parameters', async () => {
    const prepared = handle.statementsPrepared;
    assert.ok(prepared);
    await items('k1');
    const before = prepared();
    for (let i = 0; i < 20; i += 1) {
      const rows = await items(`k${i % 10}`);
      assert.equal(rows.length, 100);
      assert.ok(rows.every((row) => row.id % 10 === i % 10));
    }
    // A write through the same cache: `run`, not `all`, on its shared statement.
    for (let i = 0; i < 3; i += 1) {
      await sql`UPDATE items SET kind = ${'moved'} WHERE id = ${i + 1}`.execute(handle.db);
    }
    assert.equal((await items('moved')).length, 3);
    assert.equal(prepared() - before, 1, 'only the update is compiled, once');
  });

  it('runs PRAGMA optimize periodically: the queried table gets statistics', async () => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const stats = await sql<{ tbl: string }>`SELECT tbl FROM sqlite_stat1`
        .execute(handle.db)
        .catch(() => ({ rows: [] }));
      if (stats.rows.some((row) => row.tbl === 'items')) break;
      assert.ok(Date.now() < deadline, 'no statistics for items');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
});
