// When to ask the host for a fresh token (docs/contract.md §2: a verified session lasts until the token's
// `exp`). The widget reads the payload only to plan: it never trusts it, the server verifies.
import { isObject } from './wire.js';

/** What the widget may read from a token it has not verified. */
export interface TokenHints {
  readonly sub?: string;
  readonly exp?: number;
}

/**
 * Reads `sub` and `exp` from a compact JWS without verifying it. `sub` is normalized like the
 * server does (docs/contract.md §4 rule 4: a safe integer is kept as its decimal string).
 *
 * @example decodeTokenHints(token) // { sub: 'user-42', exp: 1767225600 }
 */
export function decodeTokenHints(token: string): TokenHints {
  const payload = token.split('.')[1];
  if (!payload || !/^[A-Za-z0-9_-]+$/.test(payload)) return {};
  try {
    const binary = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (!isObject(claims)) return {};
    const { sub, exp } = claims;
    const subText =
      typeof sub === 'string' && sub !== ''
        ? sub
        : Number.isSafeInteger(sub)
          ? String(sub)
          : undefined;
    return {
      ...(subText === undefined ? {} : { sub: subText }),
      ...(typeof exp === 'number' && Number.isFinite(exp) ? { exp } : {}),
    };
  } catch {
    return {};
  }
}

/** Ask this long before `exp`, for tokens that live long enough. */
export const REFRESH_LEAD_MS = 30_000;
/** Tokens shorter than this are refreshed at 80% of what remains instead. */
const SHORT_TOKEN_MS = 150_000;
/** Browsers run a timer longer than 2^31−1 ms at once; longer waits are taken in steps. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Milliseconds from `nowMs` until the widget should ask for a fresh token for a token that
 * expires at `expS` (epoch seconds): 30 s before `exp`, or at 80% of the remaining lifetime for
 * a token that has less than 150 s left, and 0 when it has already expired.
 *
 * @example refreshDelayMs(1_000_600, 1_000_000_000) // 570000 (10 min token: 30 s early)
 * @example refreshDelayMs(1_000_060, 1_000_000_000) // 48000 (1 min token: at 80%)
 */
export function refreshDelayMs(expS: number, nowMs: number): number {
  const remaining = expS * 1000 - nowMs;
  if (!(remaining > 0)) return 0;
  const delay = remaining > SHORT_TOKEN_MS ? remaining - REFRESH_LEAD_MS : remaining * 0.8;
  return Math.floor(delay);
}
