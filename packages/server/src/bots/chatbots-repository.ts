import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { inOrganization } from '../db/tenancy.js';
import { newId } from '../ids.js';

export interface Chatbot {
  readonly id: string;
  readonly organizationId: string;
  readonly name: string;
  readonly settings: string;
}

export async function createChatbot(
  db: Kysely<Database>,
  organizationId: string,
  name: string,
  now: number,
  settings: object = {},
): Promise<Chatbot> {
  const bot = { id: newId('bot'), organizationId, name, settings: JSON.stringify(settings) };
  await db
    .insertInto('chatbots')
    .values({
      id: bot.id,
      organization_id: organizationId,
      name,
      settings: bot.settings,
      created_at: now,
    })
    .execute();
  return bot;
}

export async function findChatbot(
  db: Kysely<Database>,
  organizationId: string,
  botId: string,
): Promise<Chatbot | undefined> {
  const row = await db
    .selectFrom('chatbots')
    .select(['id', 'organization_id', 'name', 'settings'])
    .where(inOrganization('chatbots', organizationId))
    .where('id', '=', botId)
    .executeTakeFirst();
  return (
    row && {
      id: row.id,
      organizationId: row.organization_id,
      name: row.name,
      settings: row.settings,
    }
  );
}

/** For the command line, which names a bot by id alone: the one lookup not scoped to an org. */
export async function findChatbotAnyOrganization(
  db: Kysely<Database>,
  botId: string,
): Promise<Chatbot | undefined> {
  const row = await db
    .selectFrom('chatbots')
    .select(['id', 'organization_id', 'name', 'settings'])
    .where('id', '=', botId)
    .executeTakeFirst();
  return (
    row && {
      id: row.id,
      organizationId: row.organization_id,
      name: row.name,
      settings: row.settings,
    }
  );
}
