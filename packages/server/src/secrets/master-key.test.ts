import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadMasterKey, MASTER_KEY_FILE } from './master-key.js';

describe('the master key (docs/contract.md §3)', () => {
  it('creates the key file once, with mode 0600 in a 0700 folder, and reads the same key after', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hilal-key-'));
    const dataDir = path.join(root, 'data');
    try {
      const first = loadMasterKey(undefined, dataDir);
      const second = loadMasterKey(undefined, dataDir);
      assert.equal(first.length, 32);
      assert.deepEqual(second, first);
      assert.equal(fs.statSync(path.join(dataDir, MASTER_KEY_FILE)).mode & 0o777, 0o600);
      assert.equal(fs.statSync(dataDir).mode & 0o777, 0o700);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('prefers HILAL_MASTER_KEY and then writes no file', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hilal-key-'));
    try {
      const configured = Buffer.alloc(32, 7);
      assert.equal(loadMasterKey(configured, root), configured);
      assert.ok(!fs.existsSync(path.join(root, MASTER_KEY_FILE)));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
