import type { Kysely, LogConfig } from 'kysely';
import { type BotCounters, createBotCounters } from './bots/bot-counters.js';
import {
  createWidgetSecretService,
  type WidgetSecretService,
} from './bots/widget-secret-service.js';
import { botSecretsChannel } from './chat/chat-events.js';
import type { Config } from './config.js';
import { type Dialect, openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import type { Database } from './db/schema.js';
import { createSigningKeys, type SigningKeys } from './identity/signing-keys.js';
import { createWidgetSessions, type WidgetSessions } from './identity/widget-sessions.js';
import { loadMasterKey } from './secrets/master-key.js';
import { createSecretCipher } from './secrets/secret-cipher.js';
import { createMemoryStore } from './store/memory-store.js';
import { createRedisStore } from './store/redis-store.js';
import type { Store } from './store/store.js';

/** Everything the routes and the command line share, built once from the configuration. */
export interface AppServices {
  readonly config: Config;
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  readonly store: Store;
  readonly signingKeys: SigningKeys;
  readonly secrets: WidgetSecretService;
  readonly sessions: WidgetSessions;
  readonly counters: BotCounters;
  /** The clock, in epoch milliseconds; injected by tests. */
  readonly now: () => number;
  close(): Promise<void>;
}

export interface ServiceOptions {
  readonly now?: () => number;
  readonly store?: Store;
  /** How often counters are written; 0 disables the timer (tests flush by hand). */
  readonly flushIntervalMs?: number;
  /** Kysely's query log, e.g. to count a request's statements (tests). */
  readonly databaseLog?: LogConfig;
}

/** Opens the database (migrating it), the store and the master key. */
export async function openServices(
  config: Config,
  options: ServiceOptions = {},
): Promise<AppServices> {
  const now = options.now ?? Date.now;
  const masterKey = loadMasterKey(config.masterKey, config.dataDir);
  const database = openDatabase(
    config.databaseUrl,
    options.databaseLog ? { log: options.databaseLog } : {},
  );
  try {
    await migrateToLatest(database.db, { dialect: database.dialect });
  } catch (error) {
    await database.destroy();
    throw error;
  }
  const store =
    options.store ??
    (config.redisUrl ? await createRedisStore(config.redisUrl) : createMemoryStore());
  const cipher = createSecretCipher(masterKey);
  const { db } = database;
  const counters = createBotCounters(db, now);
  const flushIntervalMs = options.flushIntervalMs ?? 5000;
  const timer =
    flushIntervalMs > 0
      ? setInterval(() => void counters.flush().catch(() => {}), flushIntervalMs)
      : undefined;
  timer?.unref();

  const signingKeys = createSigningKeys({
    db,
    cipher,
    envSecret: config.widgetJwtHmacSecret,
    masterKey,
    dataVersion: database.dataVersion,
    now,
  });
  const sessions = createWidgetSessions(db, masterKey);

  return {
    config,
    db,
    dialect: database.dialect,
    store,
    signingKeys,
    secrets: createWidgetSecretService({
      db,
      cipher,
      envSecretConfigured: config.widgetJwtHmacSecret !== undefined,
      now,
      onChange: (_organizationId, chatbotId) => {
        signingKeys.invalidate();
        // Verified live streams of this bot re-check their session, on every instance.
        void store.publish(botSecretsChannel(chatbotId), 'changed').catch(() => {});
      },
    }),
    sessions,
    counters,
    now,
    async close() {
      if (timer) clearInterval(timer);
      await counters.flush().catch(() => {});
      await store.close();
      await database.destroy();
    },
  };
}
