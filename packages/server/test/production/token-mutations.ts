// Tokens for the fuzz suite: a valid one taken apart in every way docs/contract.md §4 names,
// each mutation described once, in a table.
import { createHmac } from 'node:crypto';
import type { SeededRandom } from './seeded-random.js';

const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64url');
const sign = (secret: string, input: string, hash = 'sha256') =>
  createHmac(hash, secret).update(input).digest('base64url');

/** What a mutation starts from: the bot's secret, and a fresh valid token's parts. */
export interface TokenBase {
  readonly secret: string;
  readonly otherSecret: string;
  readonly nowS: number;
}

/**
 * The oracle, computed here and not by the server's code: whether `token` is exactly
 * three segments whose third is the HMAC-SHA256, under `secret`, of the first two.
 */
export function signedBy(secret: string, token: string): boolean {
  const parts = token.split('.');
  if (parts.length !== 3) return false;
  return sign(secret, `${parts[0]}.${parts[1]}`) === parts[2];
}

function validParts(base: TokenBase, r: SeededRandom) {
  const header = { alg: 'HS256', typ: 'JWT' };
  const payload: Record<string, unknown> = {
    sub: `user-${r.int(1000)}`,
    exp: base.nowS + 600,
    ...(r.chance(0.5) ? { name: 'Ada' } : {}),
  };
  return { header, payload };
}

function encode(base: TokenBase, header: unknown, payload: unknown, secret = base.secret): string {
  const input = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(payload))}`;
  return `${input}.${sign(secret, input)}`;
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Each mutation: its name, and how it makes a token from a fresh valid one. */
export const TOKEN_MUTATIONS: ReadonlyArray<
  readonly [name: string, make: (base: TokenBase, r: SeededRandom) => string]
> = [
  ['valid', (base, r) => encode(base, validParts(base, r).header, validParts(base, r).payload)],
  [
    'bit flip',
    (base, r) => {
      const { header, payload } = validParts(base, r);
      const bytes = Buffer.from(encode(base, header, payload));
      const at = r.int(bytes.length);
      bytes[at] = (bytes[at] ?? 0) ^ (1 << r.int(8));
      return bytes.toString('latin1');
    },
  ],
  [
    'character swap',
    (base, r) => {
      const { header, payload } = validParts(base, r);
      const token = encode(base, header, payload);
      const at = r.int(token.length);
      return token.slice(0, at) + B64URL.charAt(r.int(64)) + token.slice(at + 1);
    },
  ],
  [
    'segments reordered or borrowed',
    (base, r) => {
      const a = encode(base, validParts(base, r).header, validParts(base, r).payload).split('.');
      const b = encode(base, { alg: 'HS256' }, { sub: 'other', exp: base.nowS + 60 }).split('.');
      const pool = [...a, ...b, '', '.', 'e30'];
      return Array.from({ length: 1 + r.int(4) }, () => r.pick(pool)).join('.');
    },
  ],
  [
    'alg changed, signature kept',
    (base, r) => {
      const { header, payload } = validParts(base, r);
      const token = encode(base, header, payload).split('.');
      const alg = r.pick([
        'none',
        'None',
        'NONE',
        'HS384',
        'HS512',
        'RS256',
        'ES256',
        'hs256',
        'HS256 ',
        '',
        null,
        256,
        ['HS256'],
      ]);
      return `${b64(JSON.stringify({ ...header, alg }))}.${token[1]}.${r.chance(0.3) ? '' : token[2]}`;
    },
  ],
  [
    'alg changed and signed with it',
    (base, r) => {
      const { payload } = validParts(base, r);
      const alg = r.pick(['HS384', 'HS512']);
      const input = `${b64(JSON.stringify({ alg, typ: 'JWT' }))}.${b64(JSON.stringify(payload))}`;
      return `${input}.${sign(base.secret, input, alg === 'HS384' ? 'sha384' : 'sha512')}`;
    },
  ],
  [
    'claims edited, not re-signed',
    (base, r) => {
      const { header, payload } = validParts(base, r);
      const signature = encode(base, header, payload).split('.')[2];
      const edited = { ...payload, [r.pick(['sub', 'exp', 'name', 'email', 'admin'])]: r.json(2) };
      return `${b64(JSON.stringify(header))}.${b64(JSON.stringify(edited))}.${signature}`;
    },
  ],
  [
    'signed with another secret',
    (base, r) =>
      encode(base, validParts(base, r).header, validParts(base, r).payload, base.otherSecret),
  ],
  [
    'truncated',
    (base, r) => {
      const token = encode(base, validParts(base, r).header, validParts(base, r).payload);
      return token.slice(0, r.int(token.length));
    },
  ],
  [
    'huge or nested JSON, signed',
    (base, r) => {
      const depth = 1 + r.int(3000);
      const nested = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      const payloadText = r.pick([
        nested,
        `{"sub":"u","exp":${base.nowS + 60},"x":${nested}}`,
        `{"sub":"${'a'.repeat(r.int(12000))}","exp":${base.nowS + 60}}`,
        '{'.repeat(depth),
      ]);
      const input = `${b64('{"alg":"HS256"}')}.${b64(payloadText)}`;
      return `${input}.${sign(base.secret, input)}`;
    },
  ],
  [
    'NUL, unicode and odd claim types, signed',
    (base, r) => {
      const payload = {
        sub: r.pick([
          r.text(20),
          `a\u0000b`,
          42,
          -1,
          2 ** 60,
          1.5,
          true,
          [],
          {},
          null,
          '',
          'x'.repeat(256),
        ]),
        exp: r.pick([
          base.nowS + 60,
          base.nowS - 60,
          `${base.nowS + 60}`,
          null,
          1e20,
          (base.nowS + 60) * 1000,
          Number.NaN,
        ]),
        ...(r.chance(0.5) ? { name: r.pick([r.text(30), 'é\u0000', 7, 'n'.repeat(321)]) } : {}),
        ...(r.chance(0.3) ? { nbf: r.pick([base.nowS + 3600, 'soon', null]) } : {}),
      };
      return encode(base, { alg: 'HS256', ...(r.chance(0.1) ? { crit: ['exp'] } : {}) }, payload);
    },
  ],
  [
    'duplicate keys, signed',
    (base, r) => {
      const headerText = r.pick([
        '{"alg":"none","alg":"HS256"}',
        '{"alg":"HS256","alg":"none"}',
        '{"alg":"HS256","alg":"HS256"}',
      ]);
      const payloadText = `{"sub":"a","sub":"b","exp":${base.nowS + 60},"exp":${r.pick([base.nowS - 60, base.nowS + 60])}}`;
      const input = `${b64(headerText)}.${b64(payloadText)}`;
      return `${input}.${sign(base.secret, input)}`;
    },
  ],
  [
    'padding, whitespace, non-canonical base64',
    (base, r) => {
      const token = encode(base, validParts(base, r).header, validParts(base, r).payload);
      return r.pick([
        `${token}=`,
        ` ${token}`,
        `${token}\n`,
        token.replace(/-/g, '+').replace(/_/g, '/'),
        token.replace('.', '..'),
      ]);
    },
  ],
  ['random text', (_base, r) => r.text(r.pick([0, 10, 200, 9000]))],
];

/** One token, by a mutation chosen at random; returns the mutation's name too. */
export function mutatedToken(base: TokenBase, r: SeededRandom): { name: string; token: string } {
  const [name, make] = r.pick(TOKEN_MUTATIONS);
  return { name, token: make(base, r) };
}
