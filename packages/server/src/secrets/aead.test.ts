import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deriveKey, IV_LENGTH, type KeyPurpose, open, seal } from './aead.js';

const MASTER = Buffer.alloc(32, 9);
const PURPOSES: readonly KeyPurpose[] = ['secrets-at-rest', 'widget-sessions', 'key-cache-ids'];
const text = Buffer.from('the widget secret', 'utf8');

describe('deriveKey', () => {
  it('gives each purpose its own 32-byte key, none of them the master key', () => {
    const keys = PURPOSES.map((purpose) => deriveKey(MASTER, purpose).toString('hex'));
    assert.equal(new Set([...keys, MASTER.toString('hex')]).size, PURPOSES.length + 1);
    for (const key of keys) assert.equal(key.length, 64);
  });

  it('is deterministic, and depends on the master key', () => {
    assert.deepEqual(deriveKey(MASTER, 'widget-sessions'), deriveKey(MASTER, 'widget-sessions'));
    assert.notDeepEqual(
      deriveKey(Buffer.alloc(32, 8), 'widget-sessions'),
      deriveKey(MASTER, 'widget-sessions'),
    );
  });

  // Credentials issued before aead.ts existed were sealed under this derivation; they must
  // keep opening after the upgrade.
  it('derives the widget-sessions key as widget sessions always have', () => {
    assert.equal(
      deriveKey(Buffer.alloc(32, 1), 'widget-sessions').toString('hex'),
      '0611bcc0828a3e08a8f0ed7f0be70b21970bda7060afde2ac16e2c401f4fb008',
    );
  });

  it('refuses a master key of the wrong length', () => {
    assert.throws(() => deriveKey(Buffer.alloc(16), 'secrets-at-rest'), {
      name: 'TypeError',
      message: 'the master key must be 32 bytes',
    });
  });
});

describe('seal and open', () => {
  const key = deriveKey(MASTER, 'secrets-at-rest');

  it('round-trips, with a fresh IV each time', () => {
    const sealed = seal(key, text);
    assert.equal(sealed.length, IV_LENGTH + text.length + 16);
    assert.notDeepEqual(seal(key, text), sealed);
    assert.deepEqual(open(key, sealed), text);
    assert.deepEqual(open(key, seal(key, Buffer.alloc(0))), Buffer.alloc(0));
  });

  it('does not open a ciphertext of one purpose under another', () => {
    for (const from of PURPOSES) {
      const sealed = seal(deriveKey(MASTER, from), text);
      for (const to of PURPOSES) {
        const opened = open(deriveKey(MASTER, to), sealed);
        assert.deepEqual(opened, from === to ? text : undefined, `${from} → ${to}`);
      }
    }
  });

  it('fails on any tampered byte: IV, ciphertext or tag', () => {
    const sealed = seal(key, text);
    for (const index of [0, IV_LENGTH, sealed.length - 1]) {
      const tampered = Buffer.from(sealed);
      tampered[index] = (tampered[index] ?? 0) ^ 1;
      assert.equal(open(key, tampered), undefined, `byte ${index}`);
    }
    assert.equal(open(key, sealed.subarray(0, sealed.length - 1)), undefined, 'truncated');
    assert.equal(open(key, Buffer.alloc(IV_LENGTH + 15)), undefined, 'shorter than IV and tag');
  });

  it('binds the associated data', () => {
    const sealed = seal(key, text, Buffer.from('bot_a'));
    assert.deepEqual(open(key, sealed, Buffer.from('bot_a')), text);
    assert.equal(open(key, sealed, Buffer.from('bot_b')), undefined);
    assert.equal(open(key, sealed), undefined, 'aad left out');
    assert.equal(open(key, seal(key, text), Buffer.from('bot_a')), undefined, 'aad added');
  });

  it('takes an injected IV and puts it first', () => {
    const iv = Buffer.alloc(IV_LENGTH, 5);
    const sealed = seal(key, text, undefined, iv);
    assert.deepEqual(sealed.subarray(0, IV_LENGTH), iv);
    assert.deepEqual(open(key, sealed), text);
    assert.throws(() => seal(key, text, undefined, Buffer.alloc(8)), {
      name: 'TypeError',
      message: 'seal: the IV must be 12 bytes',
    });
  });
});
