import type { VerifyDetail, VerifyReason } from '@hilal/contract/widget-api';

export type { VerifyDetail, VerifyReason };

/**
 * The verification outcomes of docs/contract.md §4, described once: each failure reason with its HTTP status,
 * and each `detail` code with the reason it belongs to, what it means and how to fix it. The codes themselves
 * are listed in `@hilal/contract/widget-api`, which the widget shares; the tables must cover
 * every one. The route, the counters, the README and the tests all read these tables.
 *
 * `fix` is the README's "Failure reasons" table's fix column, word for word and in its Markdown
 * (test/interop.test.ts keeps the two equal); "Check a token" shows it (`identity/check-token.ts`).
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
  no_secret: {
    reason: 'not_configured',
    meaning: 'No secret is configured for this bot.',
    fix: 'Regenerate and save a secret for the bot ([step 1](#1-configure-the-secret)).',
  },
  empty: {
    reason: 'malformed',
    meaning: 'The token is an empty string.',
    fix: 'Check that your page really renders the token (empty template variable?).',
  },
  too_long: {
    reason: 'malformed',
    meaning: 'The token is longer than 8 KiB.',
    fix: 'Put only `sub`, `name`, `email` and the times in it.',
  },
  segments: {
    reason: 'malformed',
    meaning: 'The token does not have exactly three segments.',
    fix: 'Pass the compact token itself, not a JSON wrapper, a `Bearer ` prefix or a JWE.',
  },
  base64url: {
    reason: 'malformed',
    meaning: 'A segment is not canonical base64url (padding, + or /, whitespace, stray bits).',
    fix: 'Use a JWT library rather than hand-made encoding; do not let templates wrap or escape the token.',
  },
  header_json: {
    reason: 'malformed',
    meaning: 'The header is not a JSON object.',
    fix: 'Use a JWT library.',
  },
  payload_json: {
    reason: 'malformed',
    meaning: 'The payload is not a JSON object.',
    fix: 'Sign an object of claims, not a string.',
  },
  crit: {
    reason: 'malformed',
    meaning: 'The header has a crit parameter.',
    fix: 'Remove `crit`; Hilal supports no critical extensions.',
  },
  alg_missing: {
    reason: 'malformed',
    meaning: 'The header has no alg, or alg is not a string.',
    fix: "Sign with `algorithm: 'HS256'`.",
  },
  alg_not_allowed: {
    reason: 'invalid_signature',
    meaning: 'alg is not exactly HS256.',
    fix: 'Sign with HS256.',
  },
  signature_mismatch: {
    reason: 'invalid_signature',
    meaning: 'The HMAC-SHA256 signature does not match this bot’s secret.',
    fix: "Use this bot's current secret, as text (see [Troubleshooting](#troubleshooting)).",
  },
  sub_missing: {
    reason: 'malformed',
    meaning: 'The sub claim is missing or null.',
    fix: 'Add `sub`: your user id.',
  },
  sub_invalid: {
    reason: 'malformed',
    meaning:
      'sub is empty, longer than 255 characters, holds U+0000, or is neither a string nor a safe integer.',
    fix: 'Send a non-empty string id (or an integer up to 2^53−1).',
  },
  exp_missing: {
    reason: 'malformed',
    meaning: 'The exp claim is missing or null.',
    fix: "Set an expiry (`expiresIn: '10m'`, or `exp` yourself).",
  },
  exp_invalid: {
    reason: 'malformed',
    meaning: 'exp is not a finite number.',
    fix: 'Send `exp` as a number of seconds since the epoch, not as a string.',
  },
  exp_too_far: {
    reason: 'malformed',
    meaning: 'exp lies more than 366 days ahead (often milliseconds where seconds belong).',
    fix: "Send `exp` in seconds, and keep tokens short-lived (`expiresIn: '10m'`).",
  },
  nbf_invalid: {
    reason: 'malformed',
    meaning: 'nbf is present but not a finite number.',
    fix: 'Send `nbf` as a number of seconds, or leave it out.',
  },
  name_invalid: {
    reason: 'malformed',
    meaning: 'name is not a string, is longer than 320 characters, or holds U+0000.',
    fix: 'Send a string, or leave `name` out.',
  },
  email_invalid: {
    reason: 'malformed',
    meaning: 'email is not a string, is longer than 320 characters, or holds U+0000.',
    fix: 'Send a string, or leave `email` out.',
  },
  expired: {
    reason: 'expired',
    meaning: 'exp ≤ now − tolerance.',
    fix: "Issue tokens when needed and use `userTokenProvider`; check your server's clock.",
  },
  not_yet_valid: {
    reason: 'expired',
    meaning: 'nbf > now + tolerance.',
    fix: "Check your server's clock, or drop `nbf`.",
  },
} as const satisfies Record<VerifyDetail, { reason: VerifyReason; meaning: string; fix: string }>;

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
