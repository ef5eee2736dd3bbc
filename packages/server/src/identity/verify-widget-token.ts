import { createHmac, timingSafeEqual } from 'node:crypto';
import { isCanonicalBase64url } from './base64url.js';
import { failure, type VerifyFailure } from './verify-reasons.js';

export const MAX_TOKEN_LENGTH = 8 * 1024;
const MAX_SUB_LENGTH = 255;
const MAX_NAME_OR_EMAIL_LENGTH = 320;
const LONG_LIVED_S = 3600;
/** docs/contract.md §4 rule 4: `exp` at most 366 days ahead. */
const MAX_EXP_AHEAD_S = 366 * 24 * 3600;

/** The only claims Hilal keeps from a token (docs/contract.md §4): everything else is dropped here. */
export interface VerifiedClaims {
  readonly sub: string;
  readonly name?: string;
  readonly email?: string;
}

export interface VerifySuccess {
  readonly verified: true;
  readonly claims: VerifiedClaims;
  /** The token's `exp`, in epoch seconds. */
  readonly expiresAt: number;
  /** `exp` lies more than an hour ahead: allowed, but counted and shown to admins. */
  readonly longLived: boolean;
}

export type VerifyResult = VerifySuccess | VerifyFailure;

export interface VerifyOptions {
  /** Now, in epoch seconds (injected so tests own the clock). */
  readonly nowS: number;
  /** WIDGET_JWT_CLOCK_TOLERANCE_S, 0–300. */
  readonly toleranceS: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Verifies a widget identity token: a compact JWS signed with HS256 under `key`.
 * Applies the rules of docs/contract.md §4 in their order; the first that applies decides the outcome.
 *
 * @example
 * const key = Buffer.from(secretHex, 'utf8'); // docs/contract.md §3: the HMAC key is the hex string's bytes
 * const result = verifyWidgetToken(token, key, { nowS: Date.now() / 1000, toleranceS: 0 });
 * if (result.verified) greet(result.claims.name);
 * else console.log(result.reason, result.detail); // e.g. 'expired', 'not_yet_valid'
 */
export function verifyWidgetToken(
  token: string,
  key: Uint8Array | undefined,
  options: VerifyOptions,
): VerifyResult {
  // Rule 1
  if (key === undefined) return failure('no_secret');

  // Rule 2
  if (token.length === 0) return failure('empty');
  if (token.length > MAX_TOKEN_LENGTH) return failure('too_long');
  const firstDot = token.indexOf('.');
  const secondDot = firstDot < 0 ? -1 : token.indexOf('.', firstDot + 1);
  if (secondDot < 0 || token.includes('.', secondDot + 1)) return failure('segments');
  const headerText = token.slice(0, firstDot);
  const payloadText = token.slice(firstDot + 1, secondDot);
  const signatureText = token.slice(secondDot + 1);
  const header = headerVerdict(headerText);
  if (
    header === 'base64url' ||
    !isCanonicalBase64url(payloadText) ||
    !isCanonicalBase64url(signatureText)
  ) {
    return failure('base64url');
  }
  if (header === 'header_json') return failure('header_json');
  const payload = parseJsonObject(Buffer.from(payloadText, 'base64url'));
  if (payload === undefined) return failure('payload_json');
  // Rule 3 (`crit`, the algorithm): refused before the key is used, so `none`, RS256 with a
  // public key passed off as an HMAC secret, and the like never reach the HMAC.
  if (header !== 'acceptable') return failure(header);
  const expected = createHmac('sha256', key)
    .update(token.slice(0, secondDot), 'latin1')
    .digest('base64url');
  // Both are canonical base64url, so equal texts mean equal bytes. The signature's length is
  // public (it is in the token), so comparing it first leaks nothing.
  if (
    signatureText.length !== expected.length ||
    !timingSafeEqual(Buffer.from(signatureText, 'latin1'), Buffer.from(expected, 'latin1'))
  ) {
    return failure('signature_mismatch');
  }

  // Rule 4
  const sub = readSub(payload.sub);
  if (sub === 'missing') return failure('sub_missing');
  if (sub === 'invalid') return failure('sub_invalid');
  const exp = payload.exp ?? undefined;
  if (exp === undefined) return failure('exp_missing');
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return failure('exp_invalid');
  // Most often milliseconds where seconds belong: such a token would live for millennia.
  if (exp > options.nowS + MAX_EXP_AHEAD_S) return failure('exp_too_far');
  const nbf = payload.nbf ?? undefined;
  if (nbf !== undefined && (typeof nbf !== 'number' || !Number.isFinite(nbf))) {
    return failure('nbf_invalid');
  }
  const name = readOptionalText(payload.name);
  if (name === 'invalid') return failure('name_invalid');
  const email = readOptionalText(payload.email);
  if (email === 'invalid') return failure('email_invalid');

  // Rule 5
  const { nowS, toleranceS } = options;
  if (exp <= nowS - toleranceS) return failure('expired');
  if (nbf !== undefined && nbf > nowS + toleranceS) return failure('not_yet_valid');

  const claims: { sub: string; name?: string; email?: string } = { sub };
  if (name !== undefined) claims.name = name;
  if (email !== undefined) claims.email = email;
  return { verified: true, claims, expiresAt: exp, longLived: exp > nowS + LONG_LIVED_S };
}

type HeaderVerdict =
  | 'acceptable'
  | 'base64url'
  | 'header_json'
  | 'crit'
  | 'alg_missing'
  | 'alg_not_allowed';

// Every token of a bot's site carries the same header, so its verdict is worked out once. The
// map is bounded: headers sent to fill it only cost their own decoding again.
const headerVerdicts = new Map<string, HeaderVerdict>();
const HEADER_VERDICTS_KEPT = 64;

function headerVerdict(headerText: string): HeaderVerdict {
  const known = headerVerdicts.get(headerText);
  if (known !== undefined) return known;
  const verdict = judgeHeader(headerText);
  if (headerVerdicts.size >= HEADER_VERDICTS_KEPT) headerVerdicts.clear();
  headerVerdicts.set(headerText, verdict);
  return verdict;
}

function judgeHeader(headerText: string): HeaderVerdict {
  if (!isCanonicalBase64url(headerText)) return 'base64url';
  const header = parseJsonObject(Buffer.from(headerText, 'base64url'));
  if (header === undefined) return 'header_json';
  if (Object.hasOwn(header, 'crit')) return 'crit';
  if (typeof header.alg !== 'string') return 'alg_missing';
  return header.alg === 'HS256' ? 'acceptable' : 'alg_not_allowed';
}

function parseJsonObject(bytes: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(utf8.decode(bytes));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    return value as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function readSub(value: unknown): string | 'missing' | 'invalid' {
  if (value === undefined || value === null) return 'missing';
  // An integer sub is kept as its decimal string (docs/contract.md §4 rule 4).
  if (typeof value === 'number') return Number.isSafeInteger(value) ? String(value) : 'invalid';
  if (typeof value !== 'string') return 'invalid';
  if (value === '' || value.includes('\u0000') || codePointsOver(value, MAX_SUB_LENGTH))
    return 'invalid';
  return value;
}

/**
 * A present name or email is a string of at most 320 code points without U+0000 (docs/contract.md §4 rule
 * 4); empty counts as not given.
 */
function readOptionalText(value: unknown): string | undefined | 'invalid' {
  if (value === undefined || value === null) return undefined;
  if (
    typeof value !== 'string' ||
    value.includes('\u0000') ||
    codePointsOver(value, MAX_NAME_OR_EMAIL_LENGTH)
  )
    return 'invalid';
  return value === '' ? undefined : value;
}

// docs/contract.md §4: lengths count Unicode code points, not UTF-16 units.
function codePointsOver(text: string, limit: number): boolean {
  if (text.length <= limit) return false;
  let count = 0;
  for (const _ of text) {
    count += 1;
    if (count > limit) return true;
  }
  return false;
}
