import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { inOrganization } from '../db/tenancy.js';
import { sessionRevocation, type WidgetSession } from '../identity/widget-sessions.js';
import {
  type SigningSecretRow,
  selectSigningSecret,
} from '../secrets/widget-secrets-repository.js';

export interface ChatCallerRow {
  /** The session's family was logged out. */
  readonly revoked: boolean;
  readonly name: string;
  readonly settings: string;
  readonly knowledgeVersion: number;
  /** The bot's signing secrets, when asked for. */
  readonly secrets?: SigningSecretRow | undefined;
}

/**
 * What the chat API asks the database about a request's session, in one statement: whether the
 * session was ended (logout), its bot's row (name, settings, `knowledge_version`) and, when
 * `withSecrets`, the bot's signing secrets (`selectSigningSecret`). Each was a statement of its
 * own: a round trip on PostgreSQL, a query built on SQLite.
 *
 * The secrets are asked for only when the signing keys are not known current already
 * (`SigningKeys.lookup`: always on PostgreSQL; on SQLite only after a commit elsewhere): on
 * SQLite, a cached answer costs no query, while the joins cost more than a statement of their own.
 *
 * Undefined when the bot is not in the session's organization (deleted, or never of it).
 *
 * @example
 * const read = await readChatCaller(db, session, true);
 * if (read === undefined || read.revoked) throw new HilalError('unauthorized');
 */
export async function readChatCaller(
  db: Kysely<Database>,
  session: WidgetSession,
  withSecrets: boolean,
): Promise<ChatCallerRow | undefined> {
  const { organizationId, chatbotId } = session;
  const columns = (eb: ExpressionBuilder<Database, 'chatbots'>) => [
    eb.ref('chatbots.name').as('name'),
    eb.ref('chatbots.knowledge_version').as('knowledgeVersion'),
    // EXISTS is a boolean on PostgreSQL, 0 or 1 on SQLite.
    eb.exists(sessionRevocation(db, session)).as('revoked'),
  ];
  if (withSecrets) {
    const row = await selectSigningSecret(db, organizationId, chatbotId)
      .select(columns)
      .executeTakeFirst();
    return row && { ...row, revoked: Boolean(row.revoked), secrets: row };
  }
  const row = await db
    .selectFrom('chatbots')
    .select('chatbots.settings as settings')
    .select(columns)
    .where(inOrganization('chatbots', organizationId))
    .where('chatbots.id', '=', chatbotId)
    .executeTakeFirst();
  return row && { ...row, revoked: Boolean(row.revoked) };
}
