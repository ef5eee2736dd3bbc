import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadMasterKey, MASTER_KEY_FILE } from './master-key.js';
import { createSecretCipher } from './secret-cipher.js';

describe('the master key and the secret cipher (SPEC §3)', () => {
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

  it('encrypts with authenticated encryption bound to its context', () => {
    const cipher = createSecretCipher(Buffer.alloc(32, 1));
    const secret = 'a'.repeat(64);
    const sealed = cipher.encrypt(secret, 'widget-secret:bot_a:wsk_1');
    assert.ok(!sealed.includes(secret));
    assert.notEqual(
      cipher.encrypt(secret, 'widget-secret:bot_a:wsk_1'),
      sealed,
      'a fresh IV each time',
    );
    assert.equal(cipher.decrypt(sealed, 'widget-secret:bot_a:wsk_1'), secret);
    assert.throws(
      () => cipher.decrypt(sealed, 'widget-secret:bot_b:wsk_1'),
      'copied onto another bot',
    );
    assert.throws(() =>
      createSecretCipher(Buffer.alloc(32, 2)).decrypt(sealed, 'widget-secret:bot_a:wsk_1'),
    );
    const tampered = `${sealed.slice(0, -2)}${sealed.endsWith('A') ? 'B' : 'A'}A`;
    assert.throws(() => cipher.decrypt(tampered, 'widget-secret:bot_a:wsk_1'));
  });
});
