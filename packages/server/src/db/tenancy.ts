import { type Expression, type SqlBool, sql } from 'kysely';

export type TenantTable =
  | 'users'
  | 'chatbots'
  | 'widget_secrets'
  | 'widget_session_revocations'
  | 'bot_counters'
  | 'contacts'
  | 'conversations'
  | 'messages'
  | 'conversation_reads'
  | 'inbox_counts'
  | 'knowledge_entries'
  | 'admin_sessions'
  | 'secret_audit_log'
  | 'verify_failures';

/**
 * The tenancy condition, composed into every repository query rather than checked after it:
 * `db.selectFrom('chatbots').where(inOrganization('chatbots', orgId))`.
 */
export function inOrganization(table: TenantTable, organizationId: string): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref(`${table}.organization_id`)} = ${organizationId}`;
}
