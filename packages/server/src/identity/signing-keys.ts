import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import { parseBotSettings } from '../bots/bot-settings.js';
import type { Database } from '../db/schema.js';
import { deriveKey } from '../secrets/aead.js';
import { type SecretCipher, secretContext } from '../secrets/secret-cipher.js';
import { hmacKeyOf, pendingExpiresAt } from '../secrets/widget-secret.js';
import { findSigningSecret, type SigningSecretRow } from '../secrets/widget-secrets-repository.js';

export interface SigningKey {
  /** The HMAC key, or undefined when neither the bot nor the environment has a secret. */
  readonly key: Buffer | undefined;
  /** Names the secret in use (a widget_secrets id, or `env:<fingerprint>`), for session binding. */
  readonly secretRef: string | null;
  /**
   * A regenerated secret waiting for Save, still within its 24 hours (docs/contract.md §3,
   * zero-gap rotation): its tokens verify too. Absent once saved, cancelled or expired.
   */
  readonly pending?: PendingKey | undefined;
  /**
   * The bot's allowed origins (docs/contract.md §4: 403 `origin_not_allowed`), read with the
   * keys and cached with them, so that a verification with an `Origin` costs no extra read.
   */
  readonly allowedOrigins: readonly string[];
}

export interface PendingKey {
  readonly key: Buffer;
  /** Its widget_secrets id; it stays the same when Save makes it the active secret. */
  readonly secretRef: string;
  /** Epoch ms from which it no longer verifies. */
  readonly expiresAt: number;
}

export interface SigningKeys {
  /** The keys that verify tokens for this bot right now; undefined when the bot is not in the org. */
  resolve(organizationId: string, chatbotId: string): Promise<SigningKey | undefined>;
  /**
   * For a caller that reads the secrets itself, `selectSigningSecret`'s columns folded into a
   * statement of its own (the chat API: `chat/chat-caller-read.ts`): the keys this process holds
   * and knows to be current (SQLite, nothing committed elsewhere since), so that it need not read
   * them; or else how to make them from the row it reads next (always so on PostgreSQL).
   */
  lookup(organizationId: string, chatbotId: string): KeysLookup;
  /** Forgets cached keys and origins; called after this process changes a secret or settings. */
  invalidate(): void;
}

export type KeysLookup =
  | { readonly cached: SigningKey }
  | {
      readonly cached?: undefined;
      /** The keys in force from the bot's row, read after `lookup` (cached when safe to). */
      fromRow(row: SigningSecretRow, allowedOrigins: readonly string[]): SigningKey;
    };

const CACHE_LIMIT = 10_000;

export interface SigningKeysDeps {
  readonly db: Kysely<Database>;
  readonly cipher: SecretCipher;
  readonly envSecret: string | undefined;
  readonly masterKey: Buffer;
  /** SQLite's data_version (see `db/database.ts`); undefined on PostgreSQL. */
  readonly dataVersion?: (() => number) | undefined;
  /** The clock, epoch ms: a pending secret's expiry is checked against it on every resolve. */
  readonly now: () => number;
}

/** A bot's keys as loaded, before the pending secret's age is checked against the clock. */
interface LoadedKeys {
  readonly withPending: SigningKey;
  readonly withoutPending: SigningKey;
}

/**
 * Resolves a bot's signing key, its own secret taking precedence over `WIDGET_JWT_HMAC_SECRET`
 * (docs/contract.md §3). Why the caching is correct, so that a save anywhere fails the old secret on the very
 * next request of every process (docs/contract.md §3, "no grace period"):
 *
 * - Decrypted secrets are cached by secret id. A secret id's bytes never change (a rotation
 *   makes a new id; retiring erases the ciphertext), so this cache is never stale by itself.
 * - Which secret ids are active and pending for a bot is the part that changes. On PostgreSQL it
 *   is read from the database on every request. On SQLite it is cached per bot, and the whole cache is dropped
 *   whenever `PRAGMA data_version` moves (any commit by another connection: another server
 *   process, the command line) or this process changes a secret itself (`invalidate`). Checking
 *   data_version costs a few microseconds and no query, and a save is a commit, so no request
 *   after the save can see the old id.
 * - The chat API reads the ids, when it must, in the one statement it reads each request's session
 *   and bot with (`lookup`): the same cache, the same rules, one round trip fewer.
 * - A bot not found is never cached: creating a bot needs no invalidation.
 * - A pending secret is cached with its expiry time, and every resolve compares that with `now`,
 *   so it stops verifying at its 24th hour whether or not anything is committed then.
 *
 * @example
 * const signing = await signingKeys.resolve(orgId, botId); // undefined: 404
 * verifyWithSigningKey(token, signing, options);           // active key, then the pending one
 */
export function createSigningKeys(deps: SigningKeysDeps): SigningKeys {
  const { db, cipher, envSecret, masterKey, dataVersion, now } = deps;
  const decrypted = new Map<string, Buffer>();
  const loadedByBot = new Map<string, LoadedKeys>();
  let seenVersion = dataVersion?.();
  /** Counts `invalidate()` calls: a load that began before one must not be cached. */
  let generation = 0;
  const envKey = envSecret
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

  function loadedFrom(
    chatbotId: string,
    row: SigningSecretRow,
    allowedOrigins: readonly string[],
  ): LoadedKeys {
    const active: SigningKey =
      row.secretId === null || row.ciphertext === null
        ? { ...envKey, allowedOrigins }
        : {
            key: decrypt(chatbotId, row.secretId, row.ciphertext),
            secretRef: row.secretId,
            allowedOrigins,
          };
    if (row.pendingId === null || row.pendingCiphertext === null || row.pendingCreatedAt === null)
      return { withPending: active, withoutPending: active };
    const pending: PendingKey = {
      key: decrypt(chatbotId, row.pendingId, row.pendingCiphertext),
      secretRef: row.pendingId,
      expiresAt: pendingExpiresAt(row.pendingCreatedAt),
    };
    return { withPending: { ...active, pending }, withoutPending: active };
  }

  // The pending secret counts only before its expiry: checked here, never frozen in the cache.
  function inForce(loaded: LoadedKeys): SigningKey {
    const { pending } = loaded.withPending;
    return pending !== undefined && pending.expiresAt <= now()
      ? loaded.withoutPending
      : loaded.withPending;
  }

  function lookup(organizationId: string, chatbotId: string): KeysLookup {
    const cacheKey = `${organizationId}/${chatbotId}`;
    const version = dataVersion?.();
    if (version !== undefined) {
      if (version !== seenVersion) {
        loadedByBot.clear();
        seenVersion = version;
      }
      const cached = loadedByBot.get(cacheKey);
      if (cached !== undefined) return { cached: inForce(cached) };
    }
    const loadedIn = generation;
    return {
      fromRow(row, allowedOrigins) {
        const loaded = loadedFrom(chatbotId, row, allowedOrigins);
        // Only if nothing was committed or saved since the lookup may the answer be kept.
        if (version !== undefined && dataVersion?.() === version && generation === loadedIn)
          remember(loadedByBot, cacheKey, loaded);
        return inForce(loaded);
      },
    };
  }

  return {
    async resolve(organizationId, chatbotId) {
      const found = lookup(organizationId, chatbotId);
      if (found.cached !== undefined) return found.cached;
      const row = await findSigningSecret(db, organizationId, chatbotId);
      return row && found.fromRow(row, parseBotSettings(row.settings).allowedOrigins);
    },
    lookup,
    invalidate() {
      generation++;
      loadedByBot.clear();
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
