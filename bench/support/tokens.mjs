import { createHmac } from 'node:crypto';

/** An HS256 token for `claims`, valid for `ttlS`, as a customer's backend signs it. */
export function signHs256(claims, secret, ttlS = 3600) {
  const iat = Math.floor(Date.now() / 1000);
  return signJwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, iat, exp: iat + ttlS }, secret);
}

/**
 * `header` and `payload` as given, HMAC-SHA256-signed with `key` (text as UTF-8, or bytes): also
 * the headers and claims no backend should send, to see how verifiers refuse them.
 */
export function signJwt(header, payload, key) {
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode(header)}.${encode(payload)}`;
  return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;
}
