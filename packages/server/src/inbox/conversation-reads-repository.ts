import type { Kysely } from 'kysely';
import type { Dialect } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { inOrganization } from '../db/tenancy.js';
import type { InboxViewer } from './inbox-filters.js';

/**
 * Marks the conversation read by the viewer up to its newest message; returns that seq. A read
 * never moves back: of two at once, the further one stays.
 *
 * `open_read` (the tab title's count, migration 006) is set here and kept by a trigger when the
 * conversation changes. On PostgreSQL the conversation is locked for share first, in the order a
 * visitor's message takes its locks (conversation, then reads): a message committing meanwhile
 * either waits for this read or is seen by it, so the mark is never stale.
 */
export async function markConversationRead(
  db: Kysely<Database>,
  dialect: Dialect,
  viewer: InboxViewer,
  conversationId: string,
  now: number,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const conversation = await trx
      .selectFrom('conversations')
      .select(['status', 'last_visitor_seq'])
      .where(inOrganization('conversations', viewer.organizationId))
      .where('id', '=', conversationId)
      .$if(dialect === 'postgres', (q) => q.forShare())
      .executeTakeFirst();
    const newest = await trx
      .selectFrom('messages')
      .select((eb) => eb.fn.max('messages.seq').as('seq'))
      .where(inOrganization('messages', viewer.organizationId))
      .where('messages.conversation_id', '=', conversationId)
      .executeTakeFirst();
    const seq = Number(newest?.seq ?? 0);
    const lastVisitorSeq = Number(conversation?.last_visitor_seq ?? 0);
    const openRead =
      conversation !== undefined &&
      conversation.status !== 'closed' &&
      lastVisitorSeq > 0 &&
      seq >= lastVisitorSeq
        ? 1
        : 0;
    await trx
      .insertInto('conversation_reads')
      .values({
        organization_id: viewer.organizationId,
        conversation_id: conversationId,
        user_id: viewer.userId,
        last_read_seq: seq,
        read_at: now,
        open_read: openRead,
      })
      .onConflict((oc) =>
        oc
          .columns(['conversation_id', 'user_id'])
          .doUpdateSet({ last_read_seq: seq, read_at: now, open_read: openRead })
          .where('conversation_reads.last_read_seq', '<', seq),
      )
      .execute();
    return seq;
  });
}
