import { signHs256 } from '../identity/sign-hs256.js';

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
  return signHs256(key, { ...claims, iat: nowS, exp: nowS + ttlS });
}
