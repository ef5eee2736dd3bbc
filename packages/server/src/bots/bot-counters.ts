import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';

const HOUR_MS = 3600 * 1000;
// Five parameters a row: 5,000 a statement stays far below SQLite's 32,766 and PostgreSQL's
// 65,535 bind parameters, and a normal batch (a few seconds of counts) fits in one statement.
const ROWS_PER_STATEMENT = 1000;

export interface BotCounters {
  /** Counts one event, e.g. `verify:expired:expired`; written to the database in batches. */
  add(organizationId: string, chatbotId: string, metric: string): void;
  /** Writes what has been counted so far; if that fails, it is kept for the next flush. */
  flush(): Promise<void>;
}

interface PendingCount {
  readonly organizationId: string;
  readonly chatbotId: string;
  readonly metric: string;
  readonly bucket: number;
  count: number;
}

/**
 * Hourly counters per bot (verification outcomes by reason, long-lived tokens, identity-source
 * mismatches), for the dashboard. Counting is in memory and flushed every few seconds, so the
 * verification hot path never waits on a write; the upsert adds, so instances never overwrite
 * each other's counts.
 *
 * A flush writes its whole batch in one transaction, as multi-row upserts: all of it lands or
 * none of it does. When it fails (the database restarting, a lock held too long), the batch goes
 * back into memory, added to whatever was counted meanwhile, and the next flush writes it.
 *
 * @example
 * counters.add(orgId, botId, 'verify:verified');
 * await counters.flush(); // bot_counters: (botId, 'verify:verified', <this hour>) count + 1
 */
export function createBotCounters(db: Kysely<Database>, now: () => number): BotCounters {
  let pending = new Map<string, PendingCount>();

  function count(entry: Omit<PendingCount, 'count'>, by: number): void {
    // The table's primary key, so one batch never names a row twice: PostgreSQL refuses an
    // upsert that would update the same row twice in one statement.
    const key = `${entry.chatbotId}\u0000${entry.metric}\u0000${entry.bucket}`;
    const existing = pending.get(key);
    if (existing) existing.count += by;
    else pending.set(key, { ...entry, count: by });
  }

  return {
    add(organizationId, chatbotId, metric) {
      const bucket = Math.floor(now() / HOUR_MS) * HOUR_MS;
      count({ organizationId, chatbotId, metric, bucket }, 1);
    },
    async flush() {
      if (pending.size === 0) return;
      const batch = [...pending.values()];
      pending = new Map();
      try {
        await db.transaction().execute(async (trx) => {
          for (let start = 0; start < batch.length; start += ROWS_PER_STATEMENT) {
            await upsertCounts(trx, batch.slice(start, start + ROWS_PER_STATEMENT));
          }
        });
      } catch (error) {
        for (const entry of batch) count(entry, entry.count);
        throw error;
      }
    },
  };
}

function upsertCounts(db: Kysely<Database>, entries: readonly PendingCount[]): Promise<unknown> {
  return db
    .insertInto('bot_counters')
    .values(
      entries.map((entry) => ({
        organization_id: entry.organizationId,
        chatbot_id: entry.chatbotId,
        metric: entry.metric,
        bucket_start: entry.bucket,
        count: entry.count,
      })),
    )
    .onConflict((oc) =>
      oc
        .columns(['chatbot_id', 'metric', 'bucket_start'])
        .doUpdateSet({ count: sql`bot_counters.count + excluded.count` }),
    )
    .execute();
}
