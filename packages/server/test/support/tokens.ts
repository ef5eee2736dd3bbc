import { createHmac } from 'node:crypto';

export const b64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

/** Signs a compact JWS by hand, so tests can build every malformed variant. */
export function signHs256(
  secret: string,
  payload: object,
  header: object = { alg: 'HS256', typ: 'JWT' },
): string {
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const signature = createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(signingInput)
    .digest('base64url');
  return `${signingInput}.${signature}`;
}

/** Signs raw header and payload text (already JSON or deliberately not). */
export function signRaw(secret: string, headerText: string, payloadText: string): string {
  const signingInput = `${b64url(headerText)}.${b64url(payloadText)}`;
  const signature = createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(signingInput)
    .digest('base64url');
  return `${signingInput}.${signature}`;
}
