import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { loadConfig } from '../src/config.js';
import { openServices } from '../src/services.js';
import { seedBot } from './support/test-app.js';

/** Every entry under `dir` (the folder itself included) with its permission bits, as `name 0600`. */
function modes(dir: string): string[] {
  const entries = fs.readdirSync(dir).map((name) => {
    const mode = fs.statSync(path.join(dir, name)).mode & 0o777;
    return `${name} 0${mode.toString(8)}`;
  });
  return [`. 0${(fs.statSync(dir).mode & 0o777).toString(8)}`, ...entries.sort()];
}

/** What docs/contract.md §10 asks: the folder 0700 and every file in it 0600. */
function assertPrivate(dir: string): void {
  const seen = modes(dir);
  const expected = seen.map((entry) =>
    entry.startsWith('. ') ? '. 0700' : `${entry.split(' ')[0]} 0600`,
  );
  assert.deepEqual(seen, expected);
}

/** Opens the services on `dataDir` (SQLite, the key file), writes, and checks while open. */
async function openWriteAndCheck(dataDir: string, env: Record<string, string> = {}): Promise<void> {
  const config = loadConfig({ HILAL_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env });
  const services = await openServices(config, { flushIntervalMs: 0 });
  const expected = ['hilal.sqlite', 'hilal.sqlite-shm', 'hilal.sqlite-wal'];
  if (config.masterKey === undefined) expected.push('master.key');
  try {
    await seedBot(services);
    const files = fs.readdirSync(dataDir);
    for (const file of expected) {
      assert.ok(files.includes(file), `${file} is there while the database is open`);
    }
    assertPrivate(dataDir);
  } finally {
    await services.close();
  }
  assertPrivate(dataDir);
}

for (const umask of [0o022, 0o000]) {
  describe(`HILAL_DATA_DIR is readable by its owner alone (docs/contract.md §10), umask 0${umask.toString(8)}`, () => {
    let root: string;
    let previousUmask: number;
    beforeEach(() => {
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'hilal-modes-'));
      previousUmask = process.umask(umask);
    });
    afterEach(() => {
      process.umask(previousUmask);
      fs.rmSync(root, { recursive: true, force: true });
    });

    it('a folder that does not exist yet', async () => {
      const dataDir = path.join(root, 'data');
      await openWriteAndCheck(dataDir);
    });

    it('a folder that already exists with mode 0755', async () => {
      const dataDir = path.join(root, 'data');
      fs.mkdirSync(dataDir);
      fs.chmodSync(dataDir, 0o755);
      await openWriteAndCheck(dataDir);
    });

    it('a folder that already exists with mode 0755, HILAL_MASTER_KEY set', async () => {
      const dataDir = path.join(root, 'data');
      fs.mkdirSync(dataDir);
      fs.chmodSync(dataDir, 0o755);
      await openWriteAndCheck(dataDir, { HILAL_MASTER_KEY: 'ab'.repeat(32) });
      assert.ok(!fs.existsSync(path.join(dataDir, 'master.key')));
    });

    it('a 0755 folder holding a 0644 database, its 0644 WAL files and a 0644 key file', async () => {
      const dataDir = path.join(root, 'data');
      // A database and key written by an earlier version, with a world-readable umask.
      const before = await openServices(
        loadConfig({ HILAL_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }),
        { flushIntervalMs: 0 },
      );
      await seedBot(before);
      await before.close();
      fs.writeFileSync(path.join(dataDir, 'hilal.sqlite-wal'), '');
      fs.writeFileSync(path.join(dataDir, 'hilal.sqlite-shm'), '');
      const key = fs.readFileSync(path.join(dataDir, 'master.key'), 'utf8');
      fs.chmodSync(dataDir, 0o755);
      for (const file of fs.readdirSync(dataDir)) fs.chmodSync(path.join(dataDir, file), 0o644);

      await openWriteAndCheck(dataDir);
      assert.equal(fs.readFileSync(path.join(dataDir, 'master.key'), 'utf8'), key, 'the same key');
    });
  });
}
