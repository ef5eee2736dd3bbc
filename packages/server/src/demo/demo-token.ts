import { createHmac } from 'node:crypto';

/**
 * What a customer's backend does to identify a signed-in user (README.md, "Identify signed-in users"): an HS256
 * token with `sub`, `name`, `email` and a short `exp`, signed with the bot's secret.
 */
export function mintDemoToken(
  key: Buffer,
  claims: { sub: string; name: string; email: string },
  nowS: number,
  ttlS = 600,
): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ ...claims, iat: nowS, exp: nowS + ttlS })}`;
  return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;
}
