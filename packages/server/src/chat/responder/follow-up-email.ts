import type { ReplyContext } from './responder.js';

// Deliberately plain: something@domain.tld with no spaces, at most 254 characters (RFC 5321's
// path limit). It only has to recognise an address a visitor typed for follow-up, not validate it.
const EMAIL = /[\p{L}\p{N}.!#$%&*+/=?^_`{|}~-]+@[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/u;

/**
 * The first email address in a message, if any.
 *
 * @example
 * findEmailAddress('sure, it is ada@example.com.') // 'ada@example.com'
 */
export function findEmailAddress(text: string): string | undefined {
  const found = EMAIL.exec(text.normalize('NFKC'))?.[0]?.replace(/^\.+/, '');
  return found === undefined || found === '' || found.length > 254 ? undefined : found;
}

/**
 * The email an anonymous or self-reported visitor left in this message for follow-up. A verified
 * user's email is already known as fact, so nothing is captured from their messages.
 */
export function capturedFollowUpEmail(context: ReplyContext): string | undefined {
  return context.identity === 'verified' ? undefined : findEmailAddress(context.text);
}

/**
 * docs/contract.md §6: only a visitor we know nothing reliable about, who has left no way to reach them, may
 * be asked for an email. A verified user never is (docs/contract.md §1); nor is one who already gave one.
 */
export function mayAskForEmail(context: ReplyContext): boolean {
  return (
    context.identity !== 'verified' &&
    context.followUpEmail === undefined &&
    context.selfReported?.email === undefined
  );
}
