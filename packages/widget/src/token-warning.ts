// What the console says when the server refuses a token: the codes and where the fix is
// documented, never the token (STYLE "Errors"; README "Failure reasons").
import type { TokenFailure } from './wire.js';

/** Where each reason and detail is explained, with its fix. */
export const FAILURE_REASONS_DOC = 'README.md#failure-reasons';

/**
 * @example tokenWarning({ reason: 'invalid_signature', detail: 'signature_mismatch' }, false)
 * // 'Hilal: the user token was not verified (invalid_signature / signature_mismatch); the
 * //  visitor chats as anonymous. Fix: see README.md#failure-reasons'
 */
export function tokenWarning(failure: TokenFailure, refreshing: boolean): string {
  const when = refreshing ? ' once the current token expires' : '';
  return (
    `Hilal: the user token was not verified (${failure.reason} / ${failure.detail}); ` +
    `the visitor chats as anonymous${when}. Fix: see ${FAILURE_REASONS_DOC}`
  );
}
