import type { Kysely, Selectable } from 'kysely';
import type { Database, WidgetSecretsTable } from '../db/schema.js';
import { inOrganization } from '../db/tenancy.js';

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
  });
}

/**
 * Save (docs/contract.md §3): the pending secret becomes the active one and the old one is retired, in one
 * transaction. The retired ciphertext is erased: nothing can verify with it again. Returns false
 * when there is no pending secret.
 */
export async function activatePendingSecret(
  db: Kysely<Database>,
  organizationId: string,
  chatbotId: string,
  actor: string,
  now: number,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
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
    return true;
  });
}

/** Clear: the bot has no secret of its own any more (it falls back to the environment, if set). */
export async function retireActiveSecret(
  db: Kysely<Database>,
  organizationId: string,
  chatbotId: string,
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
  });
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
 * The verification hot path: one indexed read that says whether the bot exists in the org and
 * which secret is active now. Read on every request, so a save anywhere is seen at once.
 */
export async function findSigningSecret(
  db: Kysely<Database>,
  organizationId: string,
  chatbotId: string,
) {
  return db
    .selectFrom('chatbots')
    .leftJoin('widget_secrets', (join) =>
      join
        .onRef('widget_secrets.chatbot_id', '=', 'chatbots.id')
        .on('widget_secrets.state', '=', 'active'),
    )
    .select(['widget_secrets.id as secretId', 'widget_secrets.ciphertext as ciphertext'])
    .where(inOrganization('chatbots', organizationId))
    .where('chatbots.id', '=', chatbotId)
    .executeTakeFirst();
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
