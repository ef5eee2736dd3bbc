const ALPHABET = /^[A-Za-z0-9_-]*$/;
// The alphabet's characters whose low 4 (or 2) bits are zero: the only ones that may end a text
// of length 2 (or 3) mod 4 without stray bits.
const ENDS_AFTER_ONE_BYTE = 'AQgw';
const ENDS_AFTER_TWO_BYTES = 'AEIMQUYcgkosw048';

/**
 * Whether `text` is canonical base64url (RFC 7515 §2): only the URL-safe alphabet, no padding,
 * no whitespace, and no stray bits, so that decoding and re-encoding gives back the same text.
 * (docs/contract.md §4 rule 2)
 */
export function isCanonicalBase64url(text: string): boolean {
  if (!ALPHABET.test(text)) return false;
  switch (text.length % 4) {
    case 0:
      return true;
    case 2:
      return ENDS_AFTER_ONE_BYTE.includes(text.charAt(text.length - 1));
    case 3:
      return ENDS_AFTER_TWO_BYTES.includes(text.charAt(text.length - 1));
    default:
      return false;
  }
}

/**
 * Decodes canonical base64url; undefined for anything else.
 *
 * @example
 * decodeCanonicalBase64url('QQ');  // <Buffer 41>
 * decodeCanonicalBase64url('QR');  // undefined: stray bits
 * decodeCanonicalBase64url('QQ=='); // undefined: padding
 */
export function decodeCanonicalBase64url(text: string): Buffer | undefined {
  return isCanonicalBase64url(text) ? Buffer.from(text, 'base64url') : undefined;
}
