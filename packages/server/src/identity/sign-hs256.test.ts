import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import { signHs256, signSigningInput } from './sign-hs256.js';

const NOW = 1_800_000_000;
const claims = { sub: 'user-1', name: 'Ada Lovelace', email: 'ada@example.com', exp: NOW + 600 };

function verifiedByJsonwebtoken(token: string, secret: string | Buffer): unknown {
  return jwt.verify(token, secret, { algorithms: ['HS256'], clockTimestamp: NOW });
}

describe('signHs256', () => {
  it('makes tokens jsonwebtoken verifies, with the claims intact', () => {
    const secret = 'a'.repeat(64);
    assert.deepEqual(verifiedByJsonwebtoken(signHs256(secret, claims), secret), claims);
  });

  it('signs the same bytes as jsonwebtoken, header included', () => {
    const secret = 'b'.repeat(64);
    const theirs = jwt.sign(claims, secret, { algorithm: 'HS256', noTimestamp: true });
    assert.equal(signHs256(secret, claims), theirs);
  });

  it('keys a string secret by its UTF-8 bytes, as jsonwebtoken and PyJWT do', () => {
    const secret = 'pässwört-🔑-'.repeat(4);
    const token = signHs256(secret, claims);
    assert.deepEqual(verifiedByJsonwebtoken(token, secret), claims);
    assert.equal(signHs256(Buffer.from(secret, 'utf8'), claims), token, 'same as the key bytes');
    assert.throws(() => verifiedByJsonwebtoken(token, Buffer.from(secret, 'latin1')), {
      name: 'JsonWebTokenError',
      message: 'invalid signature',
    });
  });

  it('uses the header it is given, which the signature covers', () => {
    const secret = 'c'.repeat(64);
    const token = signHs256(secret, claims, { alg: 'HS256', kid: 'k1' });
    const decoded = jwt.decode(token, { complete: true });
    assert.deepEqual(decoded?.header, { alg: 'HS256', kid: 'k1' });
    assert.deepEqual(verifiedByJsonwebtoken(token, secret), claims);
  });

  it('signSigningInput signs any input text, valid JSON or not', () => {
    const secret = 'd'.repeat(64);
    const token = signHs256(secret, claims);
    const input = token.slice(0, token.lastIndexOf('.'));
    assert.equal(`${input}.${signSigningInput(secret, input)}`, token);
  });
});
