import type { Kysely } from 'kysely';
import type { Database, SecretAuditAction } from '../db/schema.js';
import { inOrganization } from '../db/tenancy.js';

export interface SecretAuditEntry {
  readonly organizationId: string;
  readonly chatbotId: string;
  readonly action: SecretAuditAction;
  readonly actor: string;
}

/** One line of the audit log; called inside the transaction that makes the change it records. */
export async function insertSecretAudit(
  db: Kysely<Database>,
  entry: SecretAuditEntry,
  at: number,
): Promise<void> {
  await db
    .insertInto('secret_audit_log')
    .values({
      organization_id: entry.organizationId,
      chatbot_id: entry.chatbotId,
      action: entry.action,
      actor: entry.actor,
      at,
    })
    .execute();
}

/** The newest `limit` secret changes of a bot, newest first. */
export function listSecretAudit(
  db: Kysely<Database>,
  organizationId: string,
  chatbotId: string,
  limit: number,
) {
  return db
    .selectFrom('secret_audit_log')
    .select(['action', 'actor', 'at'])
    .where(inOrganization('secret_audit_log', organizationId))
    .where('chatbot_id', '=', chatbotId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
