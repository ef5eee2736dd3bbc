import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { describe, it } from 'node:test';
import { b64url, signHs256, signRaw } from '../../test/support/tokens.js';
import { verifyWidgetToken } from './verify-widget-token.js';

const SECRET = 'a'.repeat(64);
const KEY = Buffer.from(SECRET, 'utf8');
const NOW = 1_800_000_000;
const opts = { nowS: NOW, toleranceS: 0 };
const good = { sub: 'user-1', name: 'Ada', email: 'ada@example.com', exp: NOW + 600 };

function outcome(token: string, key: Buffer | null = KEY, options = opts) {
  const result = verifyWidgetToken(token, key ?? undefined, options);
  return result.verified ? 'verified' : `${result.reason}/${result.detail}`;
}

/** Changes one segment of a valid token. */
function withSegment(token: string, index: number, segment: string): string {
  const parts = token.split('.');
  parts[index] = segment;
  return parts.join('.');
}

const validToken = signHs256(SECRET, good);

// docs/contract.md §4, one row per rule: [what, token, expected reason/detail]
const rows: Array<[string, string, string]> = [
  ['a valid token', validToken, 'verified'],
  ['an empty string', '', 'malformed/empty'],
  [
    'a token over 8 KiB',
    signHs256(SECRET, { ...good, pad: 'x'.repeat(8200) }),
    'malformed/too_long',
  ],
  ['two segments', validToken.split('.').slice(0, 2).join('.'), 'malformed/segments'],
  ['four segments', `${validToken}.abc`, 'malformed/segments'],
  ['padding', withSegment(validToken, 1, `${validToken.split('.')[1]}=`), 'malformed/base64url'],
  [
    'standard alphabet (+ and /)',
    withSegment(
      validToken,
      2,
      Buffer.from(validToken.split('.')[2] ?? '', 'base64url')
        .toString('base64')
        .replace(/=+$/, '')
        .replace(/[A-Za-z0-9]/, '+'),
    ),
    'malformed/base64url',
  ],
  ['whitespace', withSegment(validToken, 1, ` ${validToken.split('.')[1]}`), 'malformed/base64url'],
  ['a newline inside', validToken.replace('.', '\n.'), 'malformed/base64url'],
  // "QR" decodes to one byte with two stray bits set; canonical would be "QQ".
  [
    'non-canonical trailing bits',
    withSegment(
      validToken,
      2,
      `${(validToken.split('.')[2] ?? '').slice(0, -1)}${nonCanonicalLast(validToken.split('.')[2] ?? '')}`,
    ),
    'malformed/base64url',
  ],
  [
    'a header that is not JSON',
    signRaw(SECRET, 'not json', JSON.stringify(good)),
    'malformed/header_json',
  ],
  [
    'a header that is a JSON array',
    signRaw(SECRET, '["HS256"]', JSON.stringify(good)),
    'malformed/header_json',
  ],
  [
    'a payload that is not a JSON object',
    signRaw(SECRET, '{"alg":"HS256"}', '"just a string"'),
    'malformed/payload_json',
  ],
  [
    'a payload with invalid UTF-8',
    `${b64url('{"alg":"HS256"}')}.${b64url(Buffer.from([0x7b, 0xff, 0x7d]))}.${b64url('x')}`,
    'malformed/payload_json',
  ],
  [
    'crit in the header',
    signHs256(SECRET, good, { alg: 'HS256', crit: ['exp'] }),
    'malformed/crit',
  ],
  ['no alg', signHs256(SECRET, good, { typ: 'JWT' }), 'malformed/alg_missing'],
  ['alg not a string', signHs256(SECRET, good, { alg: 256 }), 'malformed/alg_missing'],
  [
    'alg none',
    `${b64url('{"alg":"none"}')}.${b64url(JSON.stringify(good))}.`,
    'invalid_signature/alg_not_allowed',
  ],
  [
    'alg None',
    `${b64url('{"alg":"None"}')}.${b64url(JSON.stringify(good))}.`,
    'invalid_signature/alg_not_allowed',
  ],
  [
    'alg NONE',
    `${b64url('{"alg":"NONE"}')}.${b64url(JSON.stringify(good))}.`,
    'invalid_signature/alg_not_allowed',
  ],
  [
    'alg nOnE',
    `${b64url('{"alg":"nOnE"}')}.${b64url(JSON.stringify(good))}.`,
    'invalid_signature/alg_not_allowed',
  ],
  [
    'alg hs256 (wrong case)',
    signHs256(SECRET, good, { alg: 'hs256' }),
    'invalid_signature/alg_not_allowed',
  ],
  [
    'a tampered payload',
    withSegment(validToken, 1, b64url(JSON.stringify({ ...good, sub: 'admin' }))),
    'invalid_signature/signature_mismatch',
  ],
  [
    'a tampered signature',
    withSegment(validToken, 2, flipFirstChar(validToken.split('.')[2] ?? '')),
    'invalid_signature/signature_mismatch',
  ],
  ['an empty signature', withSegment(validToken, 2, ''), 'invalid_signature/signature_mismatch'],
  [
    'signed with another secret',
    signHs256('b'.repeat(64), good),
    'invalid_signature/signature_mismatch',
  ],
  ['no sub', signHs256(SECRET, { exp: NOW + 600 }), 'malformed/sub_missing'],
  ['sub null', signHs256(SECRET, { sub: null, exp: NOW + 600 }), 'malformed/sub_missing'],
  ['sub empty', signHs256(SECRET, { sub: '', exp: NOW + 600 }), 'malformed/sub_invalid'],
  [
    'sub of 256 code points',
    signHs256(SECRET, { sub: 'é'.repeat(256), exp: NOW + 600 }),
    'malformed/sub_invalid',
  ],
  ['sub a float', signHs256(SECRET, { sub: 1.5, exp: NOW + 600 }), 'malformed/sub_invalid'],
  [
    'sub an unsafe integer',
    signHs256(SECRET, { sub: 2 ** 53, exp: NOW + 600 }),
    'malformed/sub_invalid',
  ],
  ['sub a boolean', signHs256(SECRET, { sub: true, exp: NOW + 600 }), 'malformed/sub_invalid'],
  [
    'exp in milliseconds (366 days is the most)',
    signHs256(SECRET, { sub: 'u', exp: (NOW + 600) * 1000 }),
    'malformed/exp_too_far',
  ],
  [
    'exp 366 days and a second ahead',
    signHs256(SECRET, { sub: 'u', exp: NOW + 366 * 86400 + 1 }),
    'malformed/exp_too_far',
  ],
  // docs/contract.md §4 rule 4: U+0000 in sub, name or email (PostgreSQL cannot store it).
  [
    'sub holding U+0000',
    signHs256(SECRET, { sub: 'a\u0000b', exp: NOW + 600 }),
    'malformed/sub_invalid',
  ],
  [
    'name holding U+0000',
    signHs256(SECRET, { sub: 'u', name: 'Ann\u0000', exp: NOW + 600 }),
    'malformed/name_invalid',
  ],
  [
    'email holding U+0000',
    signHs256(SECRET, { sub: 'u', email: '\u0000a@b.c', exp: NOW + 600 }),
    'malformed/email_invalid',
  ],
  ['sub an object', signHs256(SECRET, { sub: { id: 1 }, exp: NOW + 600 }), 'malformed/sub_invalid'],
  ['no exp', signHs256(SECRET, { sub: 'u' }), 'malformed/exp_missing'],
  ['exp null', signHs256(SECRET, { sub: 'u', exp: null }), 'malformed/exp_missing'],
  [
    'exp a string',
    signHs256(SECRET, { sub: 'u', exp: String(NOW + 600) }),
    'malformed/exp_invalid',
  ],
  [
    'exp not finite (1e400)',
    signRaw(SECRET, '{"alg":"HS256"}', `{"sub":"u","exp":1e400}`),
    'malformed/exp_invalid',
  ],
  [
    'nbf a string',
    signHs256(SECRET, { sub: 'u', exp: NOW + 600, nbf: 'soon' }),
    'malformed/nbf_invalid',
  ],
  [
    'name a number',
    signHs256(SECRET, { sub: 'u', exp: NOW + 600, name: 42 }),
    'malformed/name_invalid',
  ],
  [
    'name of 321 code points',
    signHs256(SECRET, { sub: 'u', exp: NOW + 600, name: '😀'.repeat(321) }),
    'malformed/name_invalid',
  ],
  [
    'email an array',
    signHs256(SECRET, { sub: 'u', exp: NOW + 600, email: ['a@b.c'] }),
    'malformed/email_invalid',
  ],
  [
    'email of 321 characters',
    signHs256(SECRET, { sub: 'u', exp: NOW + 600, email: `${'a'.repeat(311)}@example.c` }),
    'malformed/email_invalid',
  ],
  ['exp equal to now', signHs256(SECRET, { sub: 'u', exp: NOW }), 'expired/expired'],
  ['exp in the past', signHs256(SECRET, { sub: 'u', exp: NOW - 1 }), 'expired/expired'],
  [
    'nbf ahead',
    signHs256(SECRET, { sub: 'u', exp: NOW + 600, nbf: NOW + 1 }),
    'expired/not_yet_valid',
  ],
  ['nbf now', signHs256(SECRET, { sub: 'u', exp: NOW + 600, nbf: NOW }), 'verified'],
  [
    'name and email null (absent)',
    signHs256(SECRET, { sub: 'u', exp: NOW + 600, name: null, email: null }),
    'verified',
  ],
  [
    'sub of 255 code points',
    signHs256(SECRET, { sub: '😀'.repeat(255), exp: NOW + 600 }),
    'verified',
  ],
  // Order: the signature is checked before the claims, and the claims before expiry.
  [
    'bad claims and a bad signature',
    signHs256('b'.repeat(64), { exp: 'x' }),
    'invalid_signature/signature_mismatch',
  ],
  [
    'expired with a bad sub',
    signHs256(SECRET, { sub: '', exp: NOW - 10 }),
    'malformed/sub_invalid',
  ],
];

function flipFirstChar(text: string): string {
  return (text[0] === 'A' ? 'B' : 'A') + text.slice(1);
}

function nonCanonicalLast(signature: string): string {
  // A 32-byte signature is 43 chars; the last one carries 4 data bits and 2 padding bits.
  const last = signature.at(-1) ?? 'A';
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  return alphabet[alphabet.indexOf(last) | 1] ?? 'B';
}

describe('verifyWidgetToken: docs/contract.md §4 rules, in order', () => {
  for (const [what, token, expected] of rows) {
    it(`${what} → ${expected}`, () => {
      assert.equal(outcome(token), expected);
    });
  }

  it('no key at all → not_configured, before even an empty token is looked at', () => {
    assert.equal(outcome('', null), 'not_configured/no_secret');
    assert.equal(outcome(validToken, null), 'not_configured/no_secret');
  });

  // Tokens really signed with those algorithms; the bot's secret is never used on them.
  const signingInput = (alg: string) =>
    `${b64url(JSON.stringify({ alg, typ: 'JWT' }))}.${b64url(JSON.stringify(good))}`;
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const hmac = (hash: string, alg: string) =>
    createHmac(hash, KEY).update(signingInput(alg)).digest('base64url');
  const realTokens: Array<[string, string]> = [
    ['HS384', `${signingInput('HS384')}.${hmac('sha384', 'HS384')}`],
    ['HS512', `${signingInput('HS512')}.${hmac('sha512', 'HS512')}`],
    [
      'RS256',
      `${signingInput('RS256')}.${sign('sha256', Buffer.from(signingInput('RS256')), rsa.privateKey).toString('base64url')}`,
    ],
    [
      'ES256',
      `${signingInput('ES256')}.${sign('sha256', Buffer.from(signingInput('ES256')), { key: ec.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`,
    ],
  ];
  for (const [alg, token] of realTokens) {
    it(`a token signed with ${alg} → invalid_signature/alg_not_allowed`, () => {
      assert.equal(outcome(token), 'invalid_signature/alg_not_allowed');
    });
  }

  it('an RS256 token "signed" by HMAC keyed with the public key is refused on alg alone', () => {
    // The classic key-confusion attack: the verifier's public key used as an HMAC secret.
    const pem = String(rsa.publicKey.export({ type: 'spki', format: 'pem' }));
    const input = signingInput('RS256');
    const forged = `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
    assert.equal(outcome(forged, Buffer.from(pem)), 'invalid_signature/alg_not_allowed');
  });

  it('an integer sub is kept as its decimal string', () => {
    const result = verifyWidgetToken(signHs256(SECRET, { sub: 12345, exp: NOW + 60 }), KEY, opts);
    assert.ok(result.verified);
    assert.equal(result.claims.sub, '12345');
  });

  it('keeps only sub, name and email from the claims', () => {
    const token = signHs256(SECRET, { ...good, role: 'admin', iat: NOW, iss: 'x' });
    const result = verifyWidgetToken(token, KEY, opts);
    assert.ok(result.verified);
    assert.deepEqual(result.claims, { sub: 'user-1', name: 'Ada', email: 'ada@example.com' });
    assert.equal(result.expiresAt, NOW + 600);
  });

  it('tolerance: an expired token verifies within the tolerance and fails past it', () => {
    const token = signHs256(SECRET, { sub: 'u', exp: NOW - 30 });
    assert.equal(outcome(token, KEY, { nowS: NOW, toleranceS: 0 }), 'expired/expired');
    assert.equal(outcome(token, KEY, { nowS: NOW, toleranceS: 60 }), 'verified');
    assert.equal(outcome(token, KEY, { nowS: NOW, toleranceS: 30 }), 'expired/expired');
  });

  it('tolerance: nbf slightly ahead verifies within the tolerance', () => {
    const token = signHs256(SECRET, { sub: 'u', exp: NOW + 600, nbf: NOW + 20 });
    assert.equal(outcome(token, KEY, { nowS: NOW, toleranceS: 0 }), 'expired/not_yet_valid');
    assert.equal(outcome(token, KEY, { nowS: NOW, toleranceS: 30 }), 'verified');
  });

  it('flags a token that lives more than an hour ahead, and still verifies it', () => {
    const long = verifyWidgetToken(signHs256(SECRET, { sub: 'u', exp: NOW + 3601 }), KEY, opts);
    const short = verifyWidgetToken(signHs256(SECRET, { sub: 'u', exp: NOW + 3600 }), KEY, opts);
    assert.ok(long.verified && long.longLived);
    assert.ok(short.verified && !short.longLived);
  });

  it('verifies a token exactly 366 days ahead, the longest allowed', () => {
    const token = signHs256(SECRET, { sub: 'u', exp: NOW + 366 * 86400 });
    assert.equal(outcome(token, KEY, opts), 'verified');
  });
});
