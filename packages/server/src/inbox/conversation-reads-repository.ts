import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { inOrganization } from '../db/tenancy.js';
import type { InboxViewer } from './inbox-filters.js';

/**
 * Marks the conversation read by the viewer up to its newest message; returns that seq. A read
 * never moves back: of two at once, the further one stays.
 */
export async function markConversationRead(
  db: Kysely<Database>,
  viewer: InboxViewer,
  conversationId: string,
  now: number,
): Promise<number> {
  const newest = await db
    .selectFrom('messages')
    .select((eb) => eb.fn.max('messages.seq').as('seq'))
    .where(inOrganization('messages', viewer.organizationId))
    .where('messages.conversation_id', '=', conversationId)
    .executeTakeFirst();
  const seq = Number(newest?.seq ?? 0);
  await db
    .insertInto('conversation_reads')
    .values({
      organization_id: viewer.organizationId,
      conversation_id: conversationId,
      user_id: viewer.userId,
      last_read_seq: seq,
      read_at: now,
    })
    .onConflict((oc) =>
      oc
        .columns(['conversation_id', 'user_id'])
        .doUpdateSet({ last_read_seq: seq, read_at: now })
        .where('conversation_reads.last_read_seq', '<', seq),
    )
    .execute();
  return seq;
}
