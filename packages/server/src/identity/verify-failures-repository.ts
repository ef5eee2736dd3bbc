import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { inOrganization } from '../db/tenancy.js';

/** How many failures each bot keeps for "Recent failures" (docs/contract.md §7). */
export const RECENT_FAILURES_KEPT = 50;
// An Origin header is a scheme, a host and a port; anything longer is cut, not stored whole.
const ORIGIN_MAX = 255;

export interface VerifyFailureRecord {
  readonly organizationId: string;
  readonly chatbotId: string;
  readonly reason: string;
  readonly detail: string;
  /** The request's Origin header; never the token. */
  readonly origin: string | undefined;
}

/**
 * Records one failed verification and drops the bot's older ones beyond the newest 50, in one
 * transaction, so the table stays bounded however many tokens fail.
 */
export async function recordVerifyFailure(
  db: Kysely<Database>,
  failure: VerifyFailureRecord,
  at: number,
): Promise<void> {
  const { organizationId, chatbotId } = failure;
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('verify_failures')
      .values({
        organization_id: organizationId,
        chatbot_id: chatbotId,
        at,
        reason: failure.reason,
        detail: failure.detail,
        origin: failure.origin?.slice(0, ORIGIN_MAX) ?? null,
      })
      .execute();
    await trx
      .deleteFrom('verify_failures')
      .where(inOrganization('verify_failures', organizationId))
      .where('chatbot_id', '=', chatbotId)
      .where('id', 'not in', (qb) =>
        qb
          .selectFrom('verify_failures')
          .select('id')
          .where('chatbot_id', '=', chatbotId)
          .orderBy('at', 'desc')
          .orderBy('id', 'desc')
          .limit(RECENT_FAILURES_KEPT),
      )
      .execute();
  });
}

/** A bot's recent failures, newest first. */
export function listVerifyFailures(
  db: Kysely<Database>,
  organizationId: string,
  chatbotId: string,
) {
  return db
    .selectFrom('verify_failures')
    .select(['at', 'reason', 'detail', 'origin'])
    .where(inOrganization('verify_failures', organizationId))
    .where('chatbot_id', '=', chatbotId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(RECENT_FAILURES_KEPT)
    .execute();
}
