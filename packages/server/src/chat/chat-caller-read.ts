import type { ExpressionBuilder, Kysely } from 'kysely';
import { prepareQueryVariants } from '../db/prepared-query.js';
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
  const values = {
    organizationId: session.organizationId,
    chatbotId: session.chatbotId,
    sessionId: session.id,
    familyId: session.familyId,
  };
  const family = session.familyId === session.id ? 'first' : 'later';
  if (withSecrets) {
    const row = await callerWithSecretsQuery.takeFirst(db, family, values);
    return row && { ...row, revoked: Boolean(row.revoked), secrets: row };
  }
  const row = await callerQuery.takeFirst(db, family, values);
  return row && { ...row, revoked: Boolean(row.revoked) };
}

interface CallerValues {
  readonly organizationId: string;
  readonly chatbotId: string;
  readonly sessionId: string;
  readonly familyId: string;
}

/**
 * Whether the session is the first of its family decides the revocation's list of ids
 * (`sessionRevocation`): one placeholder or two, each its own SQL.
 */
type Family = 'first' | 'later';

function callerColumns(db: Kysely<Database>, p: CallerValues, family: Family) {
  const session = {
    id: p.sessionId,
    organizationId: p.organizationId,
    familyId: family === 'first' ? p.sessionId : p.familyId,
  };
  return (eb: ExpressionBuilder<Database, 'chatbots'>) => [
    eb.ref('chatbots.name').as('name'),
    eb.ref('chatbots.knowledge_version').as('knowledgeVersion'),
    // EXISTS is a boolean on PostgreSQL, 0 or 1 on SQLite.
    eb.exists(sessionRevocation(db, session)).as('revoked'),
  ];
}

const callerWithSecretsQuery = prepareQueryVariants(
  (db: Kysely<Database>, p: CallerValues, family: Family) =>
    selectSigningSecret(db, p.organizationId, p.chatbotId).select(callerColumns(db, p, family)),
);

const callerQuery = prepareQueryVariants((db: Kysely<Database>, p: CallerValues, family: Family) =>
  db
    .selectFrom('chatbots')
    .select('chatbots.settings as settings')
    .select(callerColumns(db, p, family))
    .where(inOrganization('chatbots', p.organizationId))
    .where('chatbots.id', '=', p.chatbotId),
);
