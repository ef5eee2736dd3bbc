import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { SecretCipher } from '../secrets/secret-cipher.js';
import { hmacKeyOf } from '../secrets/widget-secret.js';
import { findSigningSecret } from '../secrets/widget-secrets-repository.js';

export interface SigningKey {
  /** The HMAC key, or undefined when neither the bot nor the environment has a secret. */
  readonly key: Buffer | undefined;
  /** Names the secret in use (a widget_secrets id, or `env:<fingerprint>`), for session binding. */
  readonly secretRef: string | null;
}

export interface SigningKeys {
  /** The key that verifies tokens for this bot right now; undefined when the bot is not in the org. */
  resolve(organizationId: string, chatbotId: string): Promise<SigningKey | undefined>;
}

const CACHE_LIMIT = 10_000;

/**
 * Resolves a bot's signing key, its own secret taking precedence over `WIDGET_JWT_HMAC_SECRET`
 * (SPEC §3).
 *
 * Why the cache is correct: every call reads, from the database, which secret id is active for
 * the bot now. The cache maps a secret id to its decrypted bytes, and a secret id's bytes never
 * change (a rotation makes a new id; retiring erases the ciphertext). So a save by any process,
 * or by the command line, is seen on the very next request, and the cache only spares the
 * AES-GCM decryption, never the freshness check.
 */
export function createSigningKeys(
  db: Kysely<Database>,
  cipher: SecretCipher,
  envSecret: string | undefined,
  masterKey: Buffer,
): SigningKeys {
  const decrypted = new Map<string, Buffer>();
  const envKey: SigningKey = envSecret
    ? { key: hmacKeyOf(envSecret), secretRef: envSecretRef(envSecret, masterKey) }
    : { key: undefined, secretRef: null };

  return {
    async resolve(organizationId, chatbotId) {
      const row = await findSigningSecret(db, organizationId, chatbotId);
      if (row === undefined) return undefined;
      if (row.secretId === null || row.ciphertext === null) return envKey;
      let key = decrypted.get(row.secretId);
      if (key === undefined) {
        key = hmacKeyOf(cipher.decrypt(row.ciphertext, secretContext(chatbotId, row.secretId)));
        if (decrypted.size >= CACHE_LIMIT) {
          const oldest = decrypted.keys().next().value;
          if (oldest !== undefined) decrypted.delete(oldest);
        }
        decrypted.set(row.secretId, key);
      }
      return { key, secretRef: row.secretId };
    },
  };
}

/** The associated data that binds a secret's ciphertext to its bot and row. */
export function secretContext(chatbotId: string, secretId: string): string {
  return `widget-secret:${chatbotId}:${secretId}`;
}

// A keyed fingerprint: it tells sessions apart when the environment secret changes, without
// storing anything from which a weak environment secret could be guessed.
function envSecretRef(secret: string, masterKey: Buffer): string {
  const mac = createHmac('sha256', masterKey).update(`env-secret:${secret}`).digest('hex');
  return `env:${mac.slice(0, 16)}`;
}
