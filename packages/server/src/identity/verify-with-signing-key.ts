import type { SigningKey } from './signing-keys.js';
import { type VerifyOptions, type VerifyResult, verifyWidgetToken } from './verify-widget-token.js';

export interface KeyedVerifyResult {
  readonly result: VerifyResult;
  /**
   * The secret that verified the token (or, on failure, the one it was checked against first):
   * a verified session carries it, and stays verified only while it is still the bot's.
   */
  readonly secretRef: string | null;
}

/**
 * Verifies a token against a bot's keys (docs/contract.md §3, zero-gap rotation): the active
 * key first, and the pending secret's key only when the signature does not match it, so the
 * common case costs one HMAC. With no active key at all (no own secret, no environment
 * fallback) a pending secret is the bot's only key, and its tokens verify rather than meet
 * `not_configured`. A token the pending key does not verify either keeps the active key's
 * answer; one it signed but that fails later rules (say `expired`) gets the pending key's.
 *
 * @example
 * const signing = await signingKeys.resolve(orgId, botId);
 * const { result, secretRef } = verifyWithSigningKey(token, signing, { nowS, toleranceS: 0 });
 * if (result.verified) sessions.issue({ …, secretRef }, nowMs);
 */
export function verifyWithSigningKey(
  token: string,
  signing: SigningKey,
  options: VerifyOptions,
): KeyedVerifyResult {
  const { pending } = signing;
  if (signing.key === undefined && pending !== undefined) {
    return { result: verifyWidgetToken(token, pending.key, options), secretRef: pending.secretRef };
  }
  const result = verifyWidgetToken(token, signing.key, options);
  if (result.verified || result.detail !== 'signature_mismatch' || pending === undefined) {
    return { result, secretRef: signing.secretRef };
  }
  const withPending = verifyWidgetToken(token, pending.key, options);
  return !withPending.verified && withPending.detail === 'signature_mismatch'
    ? { result, secretRef: signing.secretRef }
    : { result: withPending, secretRef: pending.secretRef };
}
