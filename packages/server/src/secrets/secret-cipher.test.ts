import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deriveKey, open } from './aead.js';
import { createSecretCipher } from './secret-cipher.js';

const MASTER = Buffer.alloc(32, 1);
const SECRET = 'a'.repeat(64);
const CONTEXT = 'widget-secret:bot_a:wsk_1';

// Written by the v1 cipher (AES-256-GCM under the raw master key, IV 03…03) for SECRET under
// CONTEXT: what databases made before v2 hold.
const V1_CIPHERTEXT =
  'v1.AwMDAwMDAwMDAwMD.mQB1-57lVgjMnYcGrXhFydlSwCzmrqPTzXHcJ8sr5xJHhRmfM2jTismiCqgjErtJJMhwYPTP_olxO6tkSGpKiA.p8s6-_ifv3_Ff-rYbxjcdQ';

describe('the secret cipher (docs/contract.md §3)', () => {
  const cipher = createSecretCipher(MASTER);

  it('encrypts as v2 under the secrets-at-rest key, not the master key', () => {
    const sealed = cipher.encrypt(SECRET, CONTEXT);
    assert.match(sealed, /^v2\.[A-Za-z0-9_-]+$/);
    assert.ok(!sealed.includes(SECRET));
    const bytes = Buffer.from(sealed.slice(3), 'base64url');
    const aad = Buffer.from(CONTEXT, 'utf8');
    assert.equal(open(deriveKey(MASTER, 'secrets-at-rest'), bytes, aad)?.toString(), SECRET);
    assert.equal(open(MASTER, bytes, aad), undefined);
  });

  it('binds the context, and a fresh IV each time', () => {
    const sealed = cipher.encrypt(SECRET, CONTEXT);
    assert.notEqual(cipher.encrypt(SECRET, CONTEXT), sealed);
    assert.equal(cipher.decrypt(sealed, CONTEXT), SECRET);
    assert.throws(() => cipher.decrypt(sealed, 'widget-secret:bot_b:wsk_1'), {
      message: 'the secret does not decrypt under this key and context',
    });
  });

  it('refuses another master key and tampering', () => {
    const sealed = cipher.encrypt(SECRET, CONTEXT);
    assert.throws(() => createSecretCipher(Buffer.alloc(32, 2)).decrypt(sealed, CONTEXT));
    const tampered = `${sealed.slice(0, -2)}${sealed.endsWith('A') ? 'B' : 'A'}A`;
    assert.throws(() => cipher.decrypt(tampered, CONTEXT));
  });

  it('still decrypts v1 ciphertexts written by earlier versions, bound to their context', () => {
    assert.equal(cipher.decrypt(V1_CIPHERTEXT, CONTEXT), SECRET);
    assert.throws(() => cipher.decrypt(V1_CIPHERTEXT, 'widget-secret:bot_b:wsk_1'));
    assert.throws(() => createSecretCipher(Buffer.alloc(32, 2)).decrypt(V1_CIPHERTEXT, CONTEXT));
  });

  it('refuses what it cannot name', () => {
    for (const text of ['', 'v3.AAAA', 'v2.a.b', 'v1.a.b', `v2${V1_CIPHERTEXT.slice(2)}`]) {
      assert.throws(
        () => cipher.decrypt(text, CONTEXT),
        {
          message: 'unrecognised ciphertext format',
        },
        text,
      );
    }
  });
});
