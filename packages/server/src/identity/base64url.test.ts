import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeCanonicalBase64url, isCanonicalBase64url } from './base64url.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The definition itself: decoding and re-encoding gives the same text, alphabet only. */
function canonicalByRoundTrip(text: string): boolean {
  return (
    /^[A-Za-z0-9_-]*$/.test(text) && Buffer.from(text, 'base64url').toString('base64url') === text
  );
}

describe('canonical base64url', () => {
  it('agrees with a decode and re-encode for every text of up to 3 characters and their 4-character prefixes', () => {
    const texts = [''];
    for (const a of ALPHABET) {
      texts.push(a);
      for (const b of ALPHABET) {
        texts.push(a + b);
        for (const c of ALPHABET) texts.push(a + b + c, `QUJD${a}${b}${c}`);
      }
    }
    for (const text of texts) {
      assert.equal(isCanonicalBase64url(text), canonicalByRoundTrip(text), text);
    }
  });

  it('refuses padding, the standard alphabet and whitespace', () => {
    for (const text of ['QQ==', 'QQ=', 'a+b/', 'QU JD', 'QUJD\n', 'QUJD.']) {
      assert.equal(isCanonicalBase64url(text), false, text);
      assert.equal(decodeCanonicalBase64url(text), undefined, text);
    }
  });

  it('decodes what it accepts', () => {
    assert.deepEqual(decodeCanonicalBase64url('QQ'), Buffer.from('A'));
    assert.deepEqual(decodeCanonicalBase64url('QUI'), Buffer.from('AB'));
    assert.equal(decodeCanonicalBase64url('QR'), undefined);
  });
});
