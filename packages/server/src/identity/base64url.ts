const ALPHABET = /^[A-Za-z0-9_-]*$/;

/**
 * Decodes canonical base64url (RFC 7515 §2): only the URL-safe alphabet, no padding, no
 * whitespace, and no stray bits, so that decoding and re-encoding gives back the same text.
 * Returns undefined for anything else. (docs/contract.md §4 rule 2)
 *
 * @example
 * decodeCanonicalBase64url('QQ');  // <Buffer 41>
 * decodeCanonicalBase64url('QR');  // undefined: stray bits
 * decodeCanonicalBase64url('QQ=='); // undefined: padding
 */
export function decodeCanonicalBase64url(text: string): Buffer | undefined {
  if (!ALPHABET.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  // Node ignores non-zero trailing bits; re-encoding exposes them.
  return bytes.toString('base64url') === text ? bytes : undefined;
}
