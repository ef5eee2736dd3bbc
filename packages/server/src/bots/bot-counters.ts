import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';

const HOUR_MS = 3600 * 1000;

export interface BotCounters {
  /** Counts one event, e.g. `verify:expired:expired`; written to the database in batches. */
  add(organizationId: string, chatbotId: string, metric: string): void;
  /** Writes what has been counted so far. */
  flush(): Promise<void>;
}

/**
 * Hourly counters per bot (verification outcomes by reason, long-lived tokens, identity-source
 * mismatches), for the dashboard. Counting is in memory and flushed every few seconds, so the
 * verification hot path never waits on a write; the upsert adds, so instances never overwrite
 * each other's counts.
 */
export function createBotCounters(db: Kysely<Database>, now: () => number): BotCounters {
  let pending = new Map<
    string,
    { organizationId: string; chatbotId: string; metric: string; bucket: number; count: number }
  >();

  return {
    add(organizationId, chatbotId, metric) {
      const bucket = Math.floor(now() / HOUR_MS) * HOUR_MS;
      const key = `${chatbotId}\u0000${metric}\u0000${bucket}`;
      const entry = pending.get(key);
      if (entry) entry.count += 1;
      else pending.set(key, { organizationId, chatbotId, metric, bucket, count: 1 });
    },
    async flush() {
      if (pending.size === 0) return;
      const batch = [...pending.values()];
      pending = new Map();
      for (const entry of batch) {
        await db
          .insertInto('bot_counters')
          .values({
            organization_id: entry.organizationId,
            chatbot_id: entry.chatbotId,
            metric: entry.metric,
            bucket_start: entry.bucket,
            count: entry.count,
          })
          .onConflict((oc) =>
            oc
              .columns(['chatbot_id', 'metric', 'bucket_start'])
              .doUpdateSet({ count: sql`bot_counters.count + excluded.count` }),
          )
          .execute();
      }
    },
  };
}
