import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database, WidgetSecretsTable } from '../db/schema.js';
import { inOrganization } from '../db/tenancy.js';
import { insertSecretAudit } from './secret-audit-repository.js';
import { PENDING_SECRET_LIFETIME_MS } from './widget-secret.js';

/** A new secret's row as the service fills it in; a pending secret always has its ciphertext. */
export type PendingSecretRow = Pick<
  Selectable<WidgetSecretsTable>,
  'id' | 'organization_id' | 'chatbot_id' | 'preview' | 'created_by'
> & { readonly ciphertext: string };

/** Stores a freshly generated secret as pending, replacing any earlier pending one. */
export async function insertPendingSecret(
  db: Kysely<Database>,
  row: PendingSecretRow,
  now: number,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom('widget_secrets')
      .where(inOrganization('widget_secrets', row.organization_id))
      .where('chatbot_id', '=', row.chatbot_id)
      .where('state', '=', 'pending')
      .execute();
    await trx
      .insertInto('widget_secrets')
      .values({
        ...row,
        state: 'pending',
        created_at: now,
        activated_at: null,
        activated_by: null,
        retired_at: null,
      })
      .execute();
    await insertSecretAudit(
      trx,
      {
        organizationId: row.organization_id,
        chatbotId: row.chatbot_id,
        action: 'regenerate',
        actor: row.created_by,
      },
      now,
    );
  });
}

/**
 * Save (docs/contract.md §3): the pending secret becomes the active one and the old one is retired, in one
 * transaction. The retired ciphertext is erased: nothing can verify with it again. Returns false
 * when there is no pending secret, or only one older than 24 hours (dropped here).
 */
export async function activatePendingSecret(
  db: Kysely<Database>,
  organizationId: string,
  chatbotId: string,
  actor: string,
  now: number,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await deleteExpiredPending(trx, organizationId, chatbotId, now);
    const pending = await trx
      .selectFrom('widget_secrets')
      .select('id')
      .where(inOrganization('widget_secrets', organizationId))
      .where('chatbot_id', '=', chatbotId)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    if (pending === undefined) return false;
    await retire(trx, organizationId, chatbotId, now);
    await trx
      .updateTable('widget_secrets')
      .set({ state: 'active', activated_at: now, activated_by: actor })
      .where(inOrganization('widget_secrets', organizationId))
      .where('id', '=', pending.id)
      .execute();
    await insertSecretAudit(trx, { organizationId, chatbotId, action: 'save', actor }, now);
    return true;
  });
}

/**
 * Cancel (docs/contract.md §3): the pending secret is dropped, row and ciphertext. Returns false
 * when there was none still valid (one past its 24 hours is dropped too, but counts as none).
 */
export async function deletePendingSecret(
  db: Kysely<Database>,
  organizationId: string,
  chatbotId: string,
  actor: string,
  now: number,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await deleteExpiredPending(trx, organizationId, chatbotId, now);
    const deleted = await trx
      .deleteFrom('widget_secrets')
      .where(inOrganization('widget_secrets', organizationId))
      .where('chatbot_id', '=', chatbotId)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    if (deleted.numDeletedRows === 0n) return false;
    await insertSecretAudit(trx, { organizationId, chatbotId, action: 'cancel', actor }, now);
    return true;
  });
}

/** Clear: the bot has no secret of its own any more (it falls back to the environment, if set). */
export async function retireActiveSecret(
  db: Kysely<Database>,
  organizationId: string,
  chatbotId: string,
  actor: string,
  now: number,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await retire(trx, organizationId, chatbotId, now);
    await trx
      .deleteFrom('widget_secrets')
      .where(inOrganization('widget_secrets', organizationId))
      .where('chatbot_id', '=', chatbotId)
      .where('state', '=', 'pending')
      .execute();
    await insertSecretAudit(trx, { organizationId, chatbotId, action: 'clear', actor }, now);
  });
}

// A pending secret past its 24 hours never verifies again (the signing keys check its age on
// every request); removing its row here only tidies up.
async function deleteExpiredPending(
  db: Kysely<Database>,
  organizationId: string,
  chatbotId: string,
  now: number,
) {
  await db
    .deleteFrom('widget_secrets')
    .where(inOrganization('widget_secrets', organizationId))
    .where('chatbot_id', '=', chatbotId)
    .where('state', '=', 'pending')
    .where('created_at', '<=', now - PENDING_SECRET_LIFETIME_MS)
    .execute();
}

async function retire(
  db: Kysely<Database>,
  organizationId: string,
  chatbotId: string,
  now: number,
) {
  await db
    .updateTable('widget_secrets')
    .set({ state: 'retired', ciphertext: null, retired_at: now })
    .where(inOrganization('widget_secrets', organizationId))
    .where('chatbot_id', '=', chatbotId)
    .where('state', '=', 'active')
    .execute();
}

/**
 * The verification hot path: one indexed read that says whether the bot exists in the org, its
 * settings (their allowed origins), which secret is active now and which one, if any, is pending
 * (with its creation time: it verifies for 24 hours). Read on every request on PostgreSQL, so a
 * change anywhere is seen at once.
 */
export async function findSigningSecret(
  db: Kysely<Database>,
  organizationId: string,
  chatbotId: string,
) {
  return selectSigningSecret(db, organizationId, chatbotId).executeTakeFirst();
}

/** A bot's row as `findSigningSecret` reads it. */
export type SigningSecretRow = NonNullable<Awaited<ReturnType<typeof findSigningSecret>>>;

/**
 * `findSigningSecret`'s query, not yet run: a caller that needs more of the bot's row in the same
 * round trip selects it on top (the chat API: `chat/chat-caller-read.ts`).
 */
export function selectSigningSecret(
  db: Kysely<Database>,
  organizationId: string,
  chatbotId: string,
) {
  return (
    db
      .selectFrom('chatbots')
      // A secret of the bot is of the bot's organization; said again, so every table is scoped.
      // The states are literals: they pick the partial unique indexes, and SQLite prepares a
      // statement anew on every run when a bound parameter decided that (4x the read's time).
      .leftJoin('widget_secrets as active', (join) =>
        join
          .onRef('active.chatbot_id', '=', 'chatbots.id')
          .on('active.state', '=', sql.lit('active'))
          .onRef('active.organization_id', '=', 'chatbots.organization_id'),
      )
      .leftJoin('widget_secrets as pending', (join) =>
        join
          .onRef('pending.chatbot_id', '=', 'chatbots.id')
          .on('pending.state', '=', sql.lit('pending'))
          .onRef('pending.organization_id', '=', 'chatbots.organization_id'),
      )
      .select([
        'chatbots.settings as settings',
        'active.id as secretId',
        'active.ciphertext as ciphertext',
        'pending.id as pendingId',
        'pending.ciphertext as pendingCiphertext',
        'pending.created_at as pendingCreatedAt',
      ])
      .where(inOrganization('chatbots', organizationId))
      .where('chatbots.id', '=', chatbotId)
  );
}

export async function findSecretsForStatus(
  db: Kysely<Database>,
  organizationId: string,
  chatbotId: string,
) {
  return db
    .selectFrom('widget_secrets')
    .select(['state', 'preview', 'activated_at', 'activated_by', 'created_at'])
    .where(inOrganization('widget_secrets', organizationId))
    .where('chatbot_id', '=', chatbotId)
    .where('state', 'in', ['active', 'pending'])
    .execute();
}
