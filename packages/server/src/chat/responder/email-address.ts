// Deliberately plain: something@domain.tld with no spaces, at most 254 characters (RFC 5321's
// path limit). It only has to recognise an address a visitor typed for follow-up, not validate it.
const EMAIL = /[\p{L}\p{N}.!#$%&*+/=?^_`{|}~-]+@[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/u;

/**
 * The first email address in a visitor's message, if any.
 *
 * @example
 * findEmailAddress('sure, it is ada@example.com.') // 'ada@example.com'
 */
export function findEmailAddress(text: string): string | undefined {
  const found = EMAIL.exec(text.normalize('NFKC'))?.[0];
  if (found === undefined || found.length > 254) return undefined;
  return found.replace(/^[.]+/, '');
}
