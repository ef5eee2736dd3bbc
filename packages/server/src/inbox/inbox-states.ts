import type { Kysely } from 'kysely';
import { findOpenConversation } from '../chat/conversations-repository.js';
import type { Database } from '../db/schema.js';
import { inOrganization } from '../db/tenancy.js';
import { HilalError } from '../errors.js';

export async function setAssignee(
  db: Kysely<Database>,
  organizationId: string,
  conversationId: string,
  assigneeId: string | null,
): Promise<void> {
  await db
    .updateTable('conversations')
    .set({ assignee_id: assigneeId })
    .where(inOrganization('conversations', organizationId))
    .where('id', '=', conversationId)
    .execute();
}

/**
 * Closed → human, unless the contact already has another open conversation: a contact has one
 * open conversation at most, the one its widget writes to (`findOpenConversation`). The contact's
 * row is written first, in the transaction, as the widget's message does (`ensureContact`'s
 * upsert): PostgreSQL then holds its row lock and SQLite its write lock until commit, so a
 * message opening a new conversation meanwhile waits, and sees this one open.
 */
export async function reopenConversation(
  db: Kysely<Database>,
  organizationId: string,
  conversation: { id: string; contact_id: string },
  now: number,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('contacts')
      .set((eb) => ({ updated_at: eb.ref('updated_at') }))
      .where(inOrganization('contacts', organizationId))
      .where('id', '=', conversation.contact_id)
      .execute();
    const open = await findOpenConversation(trx, organizationId, conversation.contact_id);
    if (open !== undefined && open.id !== conversation.id) {
      throw new HilalError('conversation_already_open');
    }
    await trx
      .updateTable('conversations')
      .set({ status: 'human', last_activity_at: now })
      .where(inOrganization('conversations', organizationId))
      .where('id', '=', conversation.id)
      .where('status', '=', 'closed')
      .execute();
  });
}
