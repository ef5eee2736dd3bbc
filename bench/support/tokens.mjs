import { createHmac } from 'node:crypto';

/** An HS256 token for `claims`, valid for `ttlS`, as a customer's backend signs it. */
export function signHs256(claims, secret, ttlS = 3600) {
  const iat = Math.floor(Date.now() / 1000);
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ ...claims, iat, exp: iat + ttlS })}`;
  const signature = createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(input)
    .digest('base64url');
  return `${input}.${signature}`;
}
