import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { deriveKey } from '../secrets/aead.js';
import { type SecretCipher, secretContext } from '../secrets/secret-cipher.js';
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
  /** Forgets cached keys; called after this process changes a secret. */
  invalidate(): void;
}

const CACHE_LIMIT = 10_000;

export interface SigningKeysDeps {
  readonly db: Kysely<Database>;
  readonly cipher: SecretCipher;
  readonly envSecret: string | undefined;
  readonly masterKey: Buffer;
  /** SQLite's data_version (see `db/database.ts`); undefined on PostgreSQL. */
  readonly dataVersion?: (() => number) | undefined;
}

/**
 * Resolves a bot's signing key, its own secret taking precedence over `WIDGET_JWT_HMAC_SECRET`
 * (docs/contract.md §3). Why the caching is correct, so that a save anywhere fails the old secret on the very
 * next request of every process (docs/contract.md §3, "no grace period"):
 *
 * - Decrypted secrets are cached by secret id. A secret id's bytes never change (a rotation
 *   makes a new id; retiring erases the ciphertext), so this cache is never stale by itself.
 * - Which secret id is active for a bot is the part that changes. On PostgreSQL it is read from
 *   the database on every request. On SQLite it is cached per bot, and the whole cache is dropped
 *   whenever `PRAGMA data_version` moves (any commit by another connection: another server
 *   process, the command line) or this process changes a secret itself (`invalidate`). Checking
 *   data_version costs a few microseconds and no query, and a save is a commit, so no request
 *   after the save can see the old id.
 * - A bot not found is never cached: creating a bot needs no invalidation.
 *
 * @example
 * const signing = await signingKeys.resolve(orgId, botId); // undefined: 404
 * verifyWidgetToken(token, signing.key, options);          // key undefined: not_configured
 */
export function createSigningKeys(deps: SigningKeysDeps): SigningKeys {
  const { db, cipher, envSecret, masterKey, dataVersion } = deps;
  const decrypted = new Map<string, Buffer>();
  const activeByBot = new Map<string, SigningKey>();
  let seenVersion = dataVersion?.();
  const envKey: SigningKey = envSecret
    ? { key: hmacKeyOf(envSecret), secretRef: envSecretRef(envSecret, masterKey) }
    : { key: undefined, secretRef: null };

  function decrypt(chatbotId: string, secretId: string, ciphertext: string): Buffer {
    let key = decrypted.get(secretId);
    if (key === undefined) {
      key = hmacKeyOf(cipher.decrypt(ciphertext, secretContext(chatbotId, secretId)));
      remember(decrypted, secretId, key);
    }
    return key;
  }

  async function load(organizationId: string, chatbotId: string): Promise<SigningKey | undefined> {
    const row = await findSigningSecret(db, organizationId, chatbotId);
    if (row === undefined) return undefined;
    if (row.secretId === null || row.ciphertext === null) return envKey;
    return { key: decrypt(chatbotId, row.secretId, row.ciphertext), secretRef: row.secretId };
  }

  return {
    async resolve(organizationId, chatbotId) {
      if (dataVersion === undefined) return load(organizationId, chatbotId);
      const version = dataVersion();
      if (version !== seenVersion) {
        activeByBot.clear();
        seenVersion = version;
      }
      const cacheKey = `${organizationId}/${chatbotId}`;
      const cached = activeByBot.get(cacheKey);
      if (cached !== undefined) return cached;
      const loaded = await load(organizationId, chatbotId);
      // Only if nothing was committed meanwhile may the answer be kept.
      if (loaded !== undefined && dataVersion() === seenVersion)
        remember(activeByBot, cacheKey, loaded);
      return loaded;
    },
    invalidate() {
      activeByBot.clear();
    },
  };
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= CACHE_LIMIT) {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
  map.set(key, value);
}

// A keyed fingerprint: it tells sessions apart when the environment secret changes, without
// storing anything from which a weak environment secret could be guessed. Keyed with its own
// derived key (see `secrets/aead.ts`), never the master key itself, which also seals secrets.
function envSecretRef(secret: string, masterKey: Buffer): string {
  const mac = createHmac('sha256', deriveKey(masterKey, 'key-cache-ids'))
    .update(`env-secret:${secret}`)
    .digest('hex');
  return `env:${mac.slice(0, 16)}`;
}
