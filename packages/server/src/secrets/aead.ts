import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * What a derived key is for. Each purpose gets its own key, so a value sealed (or MACed) for one
 * use can never be replayed as another: a widget-session credential does not open as a stored
 * secret, and a key-cache fingerprint reveals nothing about either.
 */
export type KeyPurpose = 'secrets-at-rest' | 'widget-sessions' | 'key-cache-ids';

// The HKDF `info` of each purpose (RFC 5869 §3.2: info binds the key to its use). The
// widget-sessions string predates this module and is kept as it was, so credentials issued before
// the upgrade still open; a new purpose needs a new string, and a string is never reused.
const PURPOSE_INFO: Readonly<Record<KeyPurpose, string>> = {
  'secrets-at-rest': 'hilal secrets at rest v2',
  'widget-sessions': 'hilal widget session v1',
  'key-cache-ids': 'hilal key cache ids v1',
};

const KEY_LENGTH = 32;
/** AES-GCM nonce length: 96 bits, the size GCM is specified for (NIST SP 800-38D §5.2.1.1). */
export const IV_LENGTH = 12;
const TAG_LENGTH = 16;

/**
 * The 32-byte key for one purpose, derived from the master key with HKDF-SHA256. The master key
 * is already uniformly random, so no salt is needed (RFC 5869 §3.1).
 *
 * @example
 * const key = deriveKey(masterKey, 'secrets-at-rest');
 * deriveKey(masterKey, 'widget-sessions').equals(key); // false
 */
export function deriveKey(masterKey: Buffer, purpose: KeyPurpose): Buffer {
  if (masterKey.length !== KEY_LENGTH) throw new TypeError('the master key must be 32 bytes');
  const info = PURPOSE_INFO[purpose];
  if (info === undefined) throw new TypeError(`unknown key purpose: ${String(purpose)}`);
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), info, KEY_LENGTH));
}

/**
 * AES-256-GCM: returns `iv ‖ ciphertext ‖ tag`. `aad` is authenticated but not encrypted, so a
 * sealed value can be bound to where it belongs (a row, a bot). The IV is random by default;
 * pass one to draw it from elsewhere (widget sessions take it from the id pool, as it doubles as
 * the session id) — it must never repeat under the same key.
 *
 * @example
 * const sealed = seal(key, Buffer.from('hello'), Buffer.from('bot_1'));
 * open(key, sealed, Buffer.from('bot_1'))?.toString(); // 'hello'
 * open(key, sealed, Buffer.from('bot_2')); // undefined
 */
export function seal(
  key: Buffer,
  plaintext: Buffer,
  aad?: Buffer,
  iv: Buffer = randomBytes(IV_LENGTH),
): Buffer {
  if (key.length !== KEY_LENGTH) throw new TypeError('seal: the key must be 32 bytes');
  if (iv.length !== IV_LENGTH) throw new TypeError('seal: the IV must be 12 bytes');
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_LENGTH });
  if (aad !== undefined) cipher.setAAD(aad);
  return Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/**
 * The plaintext of a `seal` output, or undefined when the key, the aad or any byte is wrong.
 * Callers get no reason on purpose: which check failed is of use only to an attacker.
 *
 * @example
 * open(key, seal(key, Buffer.from('hi')))?.toString(); // 'hi'
 */
export function open(key: Buffer, sealed: Buffer, aad?: Buffer): Buffer | undefined {
  if (key.length !== KEY_LENGTH) throw new TypeError('open: the key must be 32 bytes');
  if (sealed.length < IV_LENGTH + TAG_LENGTH) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_LENGTH), {
      authTagLength: TAG_LENGTH,
    });
    if (aad !== undefined) decipher.setAAD(aad);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_LENGTH));
    const body = sealed.subarray(IV_LENGTH, sealed.length - TAG_LENGTH);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    return undefined;
  }
}
