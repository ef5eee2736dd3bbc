import type { VerifyDetail, VerifyReason } from '@hilal/contract/widget-api';

export type { VerifyDetail, VerifyReason };

/**
 * The verification outcomes of docs/contract.md §4, described once: each failure reason with its HTTP status,
 * and each `detail` code with the reason it belongs to and what it means. The codes themselves
 * are listed in `@hilal/contract/widget-api`, which the widget shares; the tables must cover
 * every one. The route, the counters, the README and the tests all read these tables.
 */
export const VERIFY_REASONS = {
  not_configured: {
    status: 401,
    meaning: 'Neither the bot has a secret of its own nor is WIDGET_JWT_HMAC_SECRET set.',
  },
  malformed: {
    status: 401,
    meaning: 'The token is not a well-formed compact JWS, or its claims are missing or ill-typed.',
  },
  invalid_signature: {
    status: 401,
    meaning: 'The algorithm is not HS256, or the signature was not made with this bot’s secret.',
  },
  expired: { status: 401, meaning: 'The token is past its exp, or before its nbf.' },
} as const satisfies Record<VerifyReason, { status: number; meaning: string }>;

export const VERIFY_DETAILS = {
  no_secret: { reason: 'not_configured', meaning: 'No secret is configured for this bot.' },
  empty: { reason: 'malformed', meaning: 'The token is an empty string.' },
  too_long: { reason: 'malformed', meaning: 'The token is longer than 8 KiB.' },
  segments: { reason: 'malformed', meaning: 'The token does not have exactly three segments.' },
  base64url: {
    reason: 'malformed',
    meaning: 'A segment is not canonical base64url (padding, + or /, whitespace, stray bits).',
  },
  header_json: { reason: 'malformed', meaning: 'The header is not a JSON object.' },
  payload_json: { reason: 'malformed', meaning: 'The payload is not a JSON object.' },
  crit: { reason: 'malformed', meaning: 'The header has a crit parameter.' },
  alg_missing: { reason: 'malformed', meaning: 'The header has no alg, or alg is not a string.' },
  alg_not_allowed: { reason: 'invalid_signature', meaning: 'alg is not exactly HS256.' },
  signature_mismatch: {
    reason: 'invalid_signature',
    meaning: 'The HMAC-SHA256 signature does not match this bot’s secret.',
  },
  sub_missing: { reason: 'malformed', meaning: 'The sub claim is missing or null.' },
  sub_invalid: {
    reason: 'malformed',
    meaning:
      'sub is empty, longer than 255 characters, holds U+0000, or is neither a string nor a safe integer.',
  },
  exp_missing: { reason: 'malformed', meaning: 'The exp claim is missing or null.' },
  exp_invalid: { reason: 'malformed', meaning: 'exp is not a finite number.' },
  exp_too_far: {
    reason: 'malformed',
    meaning: 'exp lies more than 366 days ahead (often milliseconds where seconds belong).',
  },
  nbf_invalid: { reason: 'malformed', meaning: 'nbf is present but not a finite number.' },
  name_invalid: {
    reason: 'malformed',
    meaning: 'name is not a string, is longer than 320 characters, or holds U+0000.',
  },
  email_invalid: {
    reason: 'malformed',
    meaning: 'email is not a string, is longer than 320 characters, or holds U+0000.',
  },
  expired: { reason: 'expired', meaning: 'exp ≤ now − tolerance.' },
  not_yet_valid: { reason: 'expired', meaning: 'nbf > now + tolerance.' },
} as const satisfies Record<VerifyDetail, { reason: VerifyReason; meaning: string }>;

/** A failed verification; `reason` always follows from `detail` through the table above. */
export interface VerifyFailure {
  readonly verified: false;
  readonly reason: VerifyReason;
  readonly detail: VerifyDetail;
}

/**
 * The failure for a detail code, its reason taken from the table.
 *
 * @example
 * failure('not_yet_valid'); // { verified: false, reason: 'expired', detail: 'not_yet_valid' }
 */
export function failure(detail: VerifyDetail): VerifyFailure {
  return { verified: false, reason: VERIFY_DETAILS[detail].reason, detail };
}
