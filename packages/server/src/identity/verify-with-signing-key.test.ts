import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signHs256 } from './sign-hs256.js';
import type { PendingKey, SigningKey } from './signing-keys.js';
import { verifyWithSigningKey } from './verify-with-signing-key.js';

const ACTIVE = 'a1'.repeat(32);
const PENDING = 'b2'.repeat(32);
const NOW_S = 1_800_000_000;
const options = { nowS: NOW_S, toleranceS: 0 };
const token = (secret: string, exp = NOW_S + 600) => signHs256(secret, { sub: 'u-1', exp });
const pendingKey: PendingKey = {
  key: Buffer.from(PENDING, 'utf8'),
  secretRef: 'wsk_pending',
  expiresAt: NOW_S * 1000 + 3600_000,
};
const both: SigningKey = {
  key: Buffer.from(ACTIVE, 'utf8'),
  secretRef: 'wsk_active',
  pending: pendingKey,
  allowedOrigins: [],
};

describe('verifyWithSigningKey: the active key, then the pending one (docs/contract.md §3)', () => {
  it("verifies the active secret's tokens with the active key alone: the pending key is never read", () => {
    const untouchable: SigningKey = {
      ...both,
      pending: {
        ...pendingKey,
        get key(): Buffer {
          throw new Error('the pending key was used');
        },
      },
    };
    const { result, secretRef } = verifyWithSigningKey(token(ACTIVE), untouchable, options);
    assert.equal(result.verified, true);
    assert.equal(secretRef, 'wsk_active');
    // Failures other than a signature mismatch do not try it either.
    const expired = verifyWithSigningKey(token(ACTIVE, NOW_S - 1), untouchable, options);
    assert.equal(expired.result.verified, false);
    assert.equal(verifyWithSigningKey('', untouchable, options).result.verified, false);
  });

  it("verifies the pending secret's tokens, naming the pending secret", () => {
    const { result, secretRef } = verifyWithSigningKey(token(PENDING), both, options);
    assert.equal(result.verified, true);
    assert.equal(secretRef, 'wsk_pending');
  });

  it("a token of neither is signature_mismatch; one of the pending secret that fails later gets the pending key's answer", () => {
    const neither = verifyWithSigningKey(token('c3'.repeat(32)), both, options);
    assert.deepEqual(neither, {
      result: { verified: false, reason: 'invalid_signature', detail: 'signature_mismatch' },
      secretRef: 'wsk_active',
    });
    const expired = verifyWithSigningKey(token(PENDING, NOW_S - 1), both, options);
    assert.deepEqual(expired.result, { verified: false, reason: 'expired', detail: 'expired' });
  });

  it('with no active key, the pending one is the only key: not not_configured', () => {
    const onlyPending: SigningKey = {
      key: undefined,
      secretRef: null,
      pending: pendingKey,
      allowedOrigins: [],
    };
    assert.equal(verifyWithSigningKey(token(PENDING), onlyPending, options).result.verified, true);
    assert.deepEqual(verifyWithSigningKey(token(ACTIVE), onlyPending, options).result, {
      verified: false,
      reason: 'invalid_signature',
      detail: 'signature_mismatch',
    });
    const none: SigningKey = { key: undefined, secretRef: null, allowedOrigins: [] };
    assert.equal(verifyWithSigningKey(token(PENDING), none, options).result.verified, false);
    assert.deepEqual(verifyWithSigningKey(token(PENDING), none, options).result, {
      verified: false,
      reason: 'not_configured',
      detail: 'no_secret',
    });
  });
});
