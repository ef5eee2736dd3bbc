import { deriveKey, open, seal } from './aead.js';

export interface SecretCipher {
  /** Encrypts `plaintext`; `context` (e.g. the bot and secret ids) is bound in as associated data. */
  encrypt(plaintext: string, context: string): string;
  /** Decrypts; throws if the ciphertext, its context or the key does not match. */
  decrypt(ciphertext: string, context: string): string;
}

/**
 * Secrets at rest (docs/contract.md §3), as `v2.<iv ‖ ciphertext ‖ tag>` in base64url: AES-256-GCM (see
 * `aead.ts`) under the master key's `secrets-at-rest` key. The context is authenticated, so a
 * ciphertext copied onto another bot's row does not decrypt there.
 *
 * Databases written before v2 hold `v1.<iv>.<ciphertext>.<tag>`, sealed under the raw master
 * key; those still decrypt, so an upgrade needs no migration, and are replaced by v2 as secrets
 * are rotated.
 *
 * @example
 * const sealed = cipher.encrypt(secret, secretContext(botId, secretId)); // 'v2.…'
 * cipher.decrypt(sealed, secretContext(botId, secretId)); // secret; any other context throws
 */
export function createSecretCipher(masterKey: Buffer): SecretCipher {
  if (masterKey.length !== 32) throw new TypeError('the master key must be 32 bytes');
  const key = deriveKey(masterKey, 'secrets-at-rest');
  return {
    encrypt(plaintext, context) {
      const sealed = seal(key, Buffer.from(plaintext, 'utf8'), Buffer.from(context, 'utf8'));
      return `v2.${sealed.toString('base64url')}`;
    },
    decrypt(ciphertext, context) {
      const [sealedUnder, sealed] = readCiphertext(ciphertext, key, masterKey);
      const plain = open(sealedUnder, sealed, Buffer.from(context, 'utf8'));
      if (plain === undefined) {
        throw new Error('the secret does not decrypt under this key and context');
      }
      return plain.toString('utf8');
    },
  };
}

// The key and the `iv ‖ ciphertext ‖ tag` bytes that a stored ciphertext names.
function readCiphertext(text: string, key: Buffer, masterKey: Buffer): [Buffer, Buffer] {
  const parts = text.split('.');
  if (parts[0] === 'v2' && parts.length === 2) {
    return [key, Buffer.from(parts[1] ?? '', 'base64url')];
  }
  if (parts[0] === 'v1' && parts.length === 4) {
    // v1 kept its three parts apart; joined, they are exactly what `open` reads.
    return [masterKey, Buffer.concat(parts.slice(1).map((part) => Buffer.from(part, 'base64url')))];
  }
  throw new Error('unrecognised ciphertext format');
}

/** The associated data that binds a secret's ciphertext to its bot and row. */
export function secretContext(chatbotId: string, secretId: string): string {
  return `widget-secret:${chatbotId}:${secretId}`;
}
