import { HilalError } from '../errors.js';
import { isId } from '../ids.js';
import type { SigningKey, SigningKeys } from './signing-keys.js';
import { VERIFY_DETAILS, type VerifyDetail, type VerifyReason } from './verify-reasons.js';
import { type VerifyOptions, type VerifyResult, verifyWidgetToken } from './verify-widget-token.js';
import { verifyWithSigningKey } from './verify-with-signing-key.js';

/** Whether a token verifies and, if not, why and what to do about it. */
export interface TokenVerdict {
  readonly verified: boolean;
  readonly reason?: VerifyReason;
  readonly detail?: VerifyDetail;
  /** The README's fix for this detail (`VERIFY_DETAILS`), its links reduced to their text. */
  readonly fix?: string;
}

/** The answer of "Check a token" (docs/contract.md §7) and of `hilal token check` (§9). */
export interface TokenCheck extends TokenVerdict {
  /** The decoded header, when it decodes to a JSON object; null otherwise. */
  readonly header: Record<string, unknown> | null;
  /** The decoded claims, every one as the token holds it, when they decode; null otherwise. */
  readonly claims: Record<string, unknown> | null;
  /** `exp`, `iat` and `nbf`, where they are numbers, as ISO 8601 times (UTC). */
  readonly times: { readonly exp?: string; readonly iat?: string; readonly nbf?: string };
  /** Only while a secret is pending: whether the token would verify once it is saved. */
  readonly afterSave?: TokenVerdict;
}

export interface CheckTokenDeps {
  readonly signingKeys: Pick<SigningKeys, 'resolve'>;
  /** The clock, epoch ms. */
  readonly now: () => number;
  /** WIDGET_JWT_CLOCK_TOLERANCE_S. */
  readonly toleranceS: number;
}

/**
 * Checks a pasted token for an admin: the verdict the widget would get from verify-jwt right
 * now (docs/contract.md §4, with this server's tolerance and environment fallback, and a pending
 * secret's tokens verifying too), the fix for a failure, the decoded header and claims even when
 * it fails, and, while a secret is pending, the verdict after Save. Unlike verify-jwt it counts
 * nothing, mints no session and logs nothing: the token is only read. Throws `bot_not_found`.
 *
 * @example
 * const check = await checkToken({ signingKeys, now, toleranceS: 0 }, { orgId, botId, token });
 * // { verified: false, reason: 'expired', detail: 'expired', fix: 'Issue tokens when needed …',
 * //   header: { alg: 'HS256', typ: 'JWT' }, claims: { sub: 'u-1', exp: 1767225600 },
 * //   times: { exp: '2026-01-01T00:00:00.000Z' } }
 */
export async function checkToken(
  deps: CheckTokenDeps,
  input: { readonly orgId: string; readonly botId: string; readonly token: string },
): Promise<TokenCheck> {
  const { orgId, botId, token } = input;
  const signing =
    isId('org', orgId) && isId('bot', botId)
      ? await deps.signingKeys.resolve(orgId, botId)
      : undefined;
  if (signing === undefined) throw new HilalError('bot_not_found');
  return checkTokenWith(token, signing, {
    nowS: deps.now() / 1000,
    toleranceS: deps.toleranceS,
  });
}

/** `checkToken` for keys already resolved: no I/O at all. */
export function checkTokenWith(
  token: string,
  signing: SigningKey,
  options: VerifyOptions,
): TokenCheck {
  const [headerText, payloadText] = token.split('.');
  const header = decodeForDisplay(headerText);
  const claims = decodeForDisplay(payloadText);
  const now = verdictOf(verifyWithSigningKey(token, signing, options).result);
  // After Save the pending secret is the bot's own, which always takes precedence (§3).
  const { pending } = signing;
  const afterSave = pending && verdictOf(verifyWidgetToken(token, pending.key, options));
  return {
    ...now,
    header,
    claims,
    times: timesOf(claims),
    ...(afterSave ? { afterSave } : {}),
  };
}

function verdictOf(result: VerifyResult): TokenVerdict {
  if (result.verified) return { verified: true };
  const { reason, detail } = result;
  return { verified: false, reason, detail, fix: plainText(VERIFY_DETAILS[detail].fix) };
}

// The README's Markdown links point into the README; outside it only their text makes sense.
function plainText(markdown: string): string {
  return markdown.replace(/\[([^\]]+)\]\([^)]*\)/g, '$1');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A segment's JSON object, for display only. The usual slips (padding, `+` and `/`, a line
 * break) are forgiven here, since the verdict already names them and the content still helps.
 */
function decodeForDisplay(segment: string | undefined): Record<string, unknown> | null {
  if (segment === undefined) return null;
  const text = segment
    .replace(/\s+/g, '')
    .replace(/=+$/, '')
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return null;
  try {
    const value: unknown = JSON.parse(utf8.decode(Buffer.from(text, 'base64url')));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function timesOf(claims: Record<string, unknown> | null): TokenCheck['times'] {
  const times: { exp?: string; iat?: string; nbf?: string } = {};
  for (const name of ['exp', 'iat', 'nbf'] as const) {
    const value = claims?.[name];
    // Seconds since the epoch (RFC 7519 §2, NumericDate); Date's range ends near the year 275760.
    const date = typeof value === 'number' ? new Date(value * 1000) : undefined;
    if (date !== undefined && Number.isFinite(date.getTime())) times[name] = date.toISOString();
  }
  return times;
}
