import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface SecretCipher {
  /** Encrypts `plaintext`; `context` (e.g. the bot and secret ids) is bound in as associated data. */
  encrypt(plaintext: string, context: string): string;
  /** Decrypts; throws if the ciphertext, its context or the key does not match. */
  decrypt(ciphertext: string, context: string): string;
}

const VERSION = 'v1';

/**
 * AES-256-GCM under the master key (SPEC §3). The output is `v1.<iv>.<ciphertext>.<tag>` in
 * base64url. The context is authenticated, so a ciphertext copied onto another bot's row does not
 * decrypt there.
 *
 * @example
 * const sealed = cipher.encrypt(secret, secretContext(botId, secretId));
 * cipher.decrypt(sealed, secretContext(botId, secretId)); // secret; any other context throws
 */
export function createSecretCipher(masterKey: Buffer): SecretCipher {
  if (masterKey.length !== 32) throw new TypeError('the master key must be 32 bytes');
  return {
    encrypt(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', masterKey, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const parts = [iv, body, cipher.getAuthTag()].map((part) => part.toString('base64url'));
      return [VERSION, ...parts].join('.');
    },
    decrypt(ciphertext, context) {
      const [version, iv, body, tag] = ciphertext.split('.');
      if (version !== VERSION || iv === undefined || body === undefined || tag === undefined) {
        throw new Error('unrecognised ciphertext format');
      }
      const decipher = createDecipheriv('aes-256-gcm', masterKey, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      const plain = Buffer.concat([
        decipher.update(Buffer.from(body, 'base64url')),
        decipher.final(),
      ]);
      return plain.toString('utf8');
    },
  };
}
