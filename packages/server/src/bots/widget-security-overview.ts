import type { WidgetSecurity } from '@hilal/contract';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';
import { inOrganization } from '../db/tenancy.js';
import { listVerifyFailures } from '../identity/verify-failures-repository.js';
import { listSecretAudit } from '../secrets/secret-audit-repository.js';
import type { WidgetSecretService } from './widget-secret-service.js';

const HOUR_MS = 3600 * 1000;
const DAY_MS = 24 * HOUR_MS;
const AUDIT_SHOWN = 50;

/**
 * The Widget Security card in one read (docs/contract.md §7): the secret's status, the hourly
 * counters (bot-counters.ts) summed over the last 24 hours and 7 days, the share of verified
 * conversations, the recent failures and the audit log. Throws `bot_not_found`.
 *
 * The windows are whole hours: "the last 24 hours" is this hour and the 23 before it.
 */
export async function widgetSecurityOverview(
  deps: {
    readonly db: Kysely<Database>;
    readonly secrets: Pick<WidgetSecretService, 'status'>;
    readonly now: () => number;
  },
  organizationId: string,
  chatbotId: string,
): Promise<WidgetSecurity> {
  const { db } = deps;
  const status = await deps.secrets.status(organizationId, chatbotId);
  const nowMs = deps.now();
  const thisHour = Math.floor(nowMs / HOUR_MS) * HOUR_MS;
  const since24h = thisHour - 23 * HOUR_MS;
  const since7d = thisHour - (7 * 24 - 1) * HOUR_MS;

  const [counts, conversations, failures, audit] = await Promise.all([
    db
      .selectFrom('bot_counters')
      .select([
        'metric',
        sql<number | string>`sum(count)`.as('last7d'),
        sql<number | string>`sum(case when bucket_start >= ${since24h} then count else 0 end)`.as(
          'last24h',
        ),
        sql<number | string>`max(bucket_start)`.as('latest'),
      ])
      .where(inOrganization('bot_counters', organizationId))
      .where('chatbot_id', '=', chatbotId)
      .where('bucket_start', '>=', since7d)
      .groupBy('metric')
      .execute(),
    db
      .selectFrom('conversations')
      .select([
        sql<number | string>`count(*)`.as('active'),
        sql<number | string>`sum(case when identity = 'verified' then 1 else 0 end)`.as('verified'),
      ])
      .where(inOrganization('conversations', organizationId))
      .where('chatbot_id', '=', chatbotId)
      .where('last_activity_at', '>=', nowMs - 7 * DAY_MS)
      .executeTakeFirstOrThrow(),
    listVerifyFailures(db, organizationId, chatbotId),
    listSecretAudit(db, organizationId, chatbotId, AUDIT_SHOWN),
  ]);

  const outcomes = { last24h: {} as Record<string, number>, last7d: {} as Record<string, number> };
  const longLived = { last24h: 0, last7d: 0 };
  const headerMismatches = { last24h: 0, last7d: 0 };
  let lastVerifiedAt: number | null = null;
  for (const row of counts) {
    const last24h = Number(row.last24h);
    const last7d = Number(row.last7d);
    if (row.metric === 'verify:long_lived') Object.assign(longLived, { last24h, last7d });
    else if (row.metric === 'identity_mismatch') {
      Object.assign(headerMismatches, { last24h, last7d });
    } else if (row.metric.startsWith('verify:')) {
      // `verify:verified` or `verify:<reason>:<detail>`: outcomes by reason.
      const reason = row.metric.split(':')[1] ?? '';
      if (reason === 'verified') lastVerifiedAt = Number(row.latest);
      if (last24h > 0) outcomes.last24h[reason] = (outcomes.last24h[reason] ?? 0) + last24h;
      outcomes.last7d[reason] = (outcomes.last7d[reason] ?? 0) + last7d;
    }
  }
  // Older than 7 days, the latest verified hour is still worth showing.
  if (lastVerifiedAt === null) {
    const older = await db
      .selectFrom('bot_counters')
      .select(sql<number | string | null>`max(bucket_start)`.as('latest'))
      .where(inOrganization('bot_counters', organizationId))
      .where('chatbot_id', '=', chatbotId)
      .where('metric', '=', 'verify:verified')
      .executeTakeFirst();
    if (older?.latest != null) lastVerifiedAt = Number(older.latest);
  }

  const active = Number(conversations.active);
  return {
    status,
    outcomes,
    longLived,
    headerMismatches,
    verifiedShare: { last7d: active === 0 ? null : Number(conversations.verified ?? 0) / active },
    lastVerifiedAt,
    recentFailures: failures.map((row) => ({ ...row, at: Number(row.at) })),
    audit: audit.map((row) => ({ ...row, at: Number(row.at) })),
  };
}
