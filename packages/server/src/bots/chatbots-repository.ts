import type { Kysely, Selectable, Transaction } from 'kysely';
import type { ChatbotsTable, Database } from '../db/schema.js';
import { inOrganization } from '../db/tenancy.js';
import { newId } from '../ids.js';

// What callers read of a bot; the type below is these columns of the table, so the two agree.
const CHATBOT_COLUMNS = ['id', 'organization_id', 'name', 'settings'] as const;

/** A bot as stored; `settings` is JSON text (see `bots/bot-settings.ts`). */
export type Chatbot = Pick<Selectable<ChatbotsTable>, (typeof CHATBOT_COLUMNS)[number]>;

export async function createChatbot(
  db: Kysely<Database>,
  organizationId: string,
  name: string,
  now: number,
  settings: object = {},
): Promise<Chatbot> {
  const bot = {
    id: newId('bot'),
    organization_id: organizationId,
    name,
    settings: JSON.stringify(settings),
  };
  await db
    .insertInto('chatbots')
    .values({ ...bot, created_at: now })
    .execute();
  return bot;
}

export async function findChatbot(
  db: Kysely<Database>,
  organizationId: string,
  botId: string,
): Promise<Chatbot | undefined> {
  return db
    .selectFrom('chatbots')
    .select(CHATBOT_COLUMNS)
    .where(inOrganization('chatbots', organizationId))
    .where('id', '=', botId)
    .executeTakeFirst();
}

/** For the command line, which names a bot by id alone: the one lookup not scoped to an org. */
export async function findChatbotAnyOrganization(
  db: Kysely<Database>,
  botId: string,
): Promise<Chatbot | undefined> {
  return db
    .selectFrom('chatbots')
    .select(CHATBOT_COLUMNS)
    .where('id', '=', botId)
    .executeTakeFirst();
}

/** The organization's bots, oldest first. */
export async function listChatbots(
  db: Kysely<Database>,
  organizationId: string,
): Promise<Array<Pick<Chatbot, 'id' | 'name'>>> {
  return db
    .selectFrom('chatbots')
    .select(['id', 'name'])
    .where(inOrganization('chatbots', organizationId))
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/**
 * Takes the bot's row for the rest of the transaction `trx` (a write that changes nothing: a row
 * lock on PostgreSQL, the write lock on SQLite), so that read-merge-writes of one bot run one
 * after the other. False when the bot is not in `organizationId`.
 */
export async function lockChatbot(
  trx: Transaction<Database>,
  organizationId: string,
  botId: string,
): Promise<boolean> {
  const result = await trx
    .updateTable('chatbots')
    .set((eb) => ({ name: eb.ref('name') }))
    .where(inOrganization('chatbots', organizationId))
    .where('id', '=', botId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Writes a bot's name and settings JSON; false when it is not in `organizationId`. */
export async function updateChatbot(
  db: Kysely<Database>,
  organizationId: string,
  botId: string,
  change: { name: string; settings: string },
): Promise<boolean> {
  const result = await db
    .updateTable('chatbots')
    .set(change)
    .where(inOrganization('chatbots', organizationId))
    .where('id', '=', botId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
