import { createHmac } from 'node:crypto';
import { hmacKeyOf } from '../secrets/widget-secret.js';

/** The JOSE header of every token we sign, unless a caller (a test) asks for another. */
const HS256_HEADER = { alg: 'HS256', typ: 'JWT' } as const;

/**
 * A compact JWS signed with HS256 (RFC 7515 §7.1), as a customer's backend signs identity
 * tokens: the same bytes `jsonwebtoken` and PyJWT produce. A string secret is keyed by its UTF-8
 * bytes, as those libraries key it (docs/contract.md §3); a Buffer — the key `SigningKeys.resolve` hands
 * out — is used as it is. Used by `hilal token`, the demo's customer backend and the tests.
 *
 * @example
 * signHs256('s3cret', { sub: 'user-1', exp: 1_800_000_000 });
 * // 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTEiLCJleHAiOjE4MDAwMDAwMDB9.…'
 */
export function signHs256(
  secret: string | Buffer,
  payload: object,
  header: object = HS256_HEADER,
): string {
  const signingInput = `${base64urlJson(header)}.${base64urlJson(payload)}`;
  return `${signingInput}.${signSigningInput(secret, signingInput)}`;
}

/**
 * The base64url HMAC-SHA256 signature of a JWS signing input (`<header>.<payload>`, RFC 7515
 * §5.1 step 5). Exposed for callers that build the input themselves, such as tests signing
 * deliberately malformed JSON; everyone else wants `signHs256`.
 *
 * @example
 * const input = `${b64url('{"alg":"HS256"}')}.${b64url('not json')}`;
 * `${input}.${signSigningInput('s3cret', input)}`; // a well-signed token with a broken payload
 */
export function signSigningInput(secret: string | Buffer, signingInput: string): string {
  const key = typeof secret === 'string' ? hmacKeyOf(secret) : secret;
  return createHmac('sha256', key).update(signingInput, 'utf8').digest('base64url');
}

function base64urlJson(value: object): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}
