import type { Kysely, Selectable } from 'kysely';
import type { Database, KnowledgeEntriesTable } from '../../db/schema.js';
import { inOrganization } from '../../db/tenancy.js';
import { newId } from '../../ids.js';

// What the responder reads of an entry; the row type below is these columns of the table, and
// matches `KnowledgeEntry` (knowledge-entry.ts), which the responder and search are written against.
const ENTRY_COLUMNS = ['id', 'title', 'body'] as const;
type KnowledgeEntryRow = Pick<Selectable<KnowledgeEntriesTable>, (typeof ENTRY_COLUMNS)[number]>;

export interface NewKnowledgeEntry {
  readonly organizationId: string;
  readonly chatbotId: string;
  readonly title: string;
  readonly body: string;
}

/** A bot's knowledge entries, oldest first; empty for a bot of another organization. */
export async function listKnowledgeEntries(
  db: Kysely<Database>,
  organizationId: string,
  chatbotId: string,
): Promise<KnowledgeEntryRow[]> {
  return db
    .selectFrom('knowledge_entries')
    .select(ENTRY_COLUMNS)
    .where(inOrganization('knowledge_entries', organizationId))
    .where('chatbot_id', '=', chatbotId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/**
 * Adds an entry to a bot's knowledge. Returns undefined, and stores nothing, when the bot is not
 * in `organizationId`: the row is inserted from a select over the organization's own chatbots,
 * so tenancy is part of the query rather than a check before it (STYLE, "HTTP and data").
 *
 * @example
 * const entry = await addKnowledgeEntry(db, { organizationId, chatbotId, title, body }, Date.now());
 */
export async function addKnowledgeEntry(
  db: Kysely<Database>,
  entry: NewKnowledgeEntry,
  now: number,
): Promise<KnowledgeEntryRow | undefined> {
  const id = newId('kb');
  const result = await db
    .insertInto('knowledge_entries')
    .columns(['id', 'organization_id', 'chatbot_id', 'title', 'body', 'created_at'])
    .expression((eb) =>
      eb
        .selectFrom('chatbots')
        .select([
          eb.cast<string>(eb.val(id), 'text').as('id'),
          'chatbots.organization_id',
          'chatbots.id',
          eb.cast<string>(eb.val(entry.title), 'text').as('title'),
          eb.cast<string>(eb.val(entry.body), 'text').as('body'),
          eb.cast<number>(eb.val(now), 'bigint').as('created_at'),
        ])
        .where(inOrganization('chatbots', entry.organizationId))
        .where('chatbots.id', '=', entry.chatbotId),
    )
    .executeTakeFirst();
  if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) return undefined;
  await knowledgeChanged(db, entry.organizationId, entry.chatbotId);
  return { id, title: entry.title, body: entry.body };
}

/** Changes an entry of a bot; undefined when no such entry is in that bot and organization. */
export async function updateKnowledgeEntry(
  db: Kysely<Database>,
  ids: { organizationId: string; chatbotId: string; entryId: string },
  change: { title?: string; body?: string },
): Promise<KnowledgeEntryRow | undefined> {
  if (change.title !== undefined || change.body !== undefined) {
    const result = await db
      .updateTable('knowledge_entries')
      .set(change)
      .where(inOrganization('knowledge_entries', ids.organizationId))
      .where('chatbot_id', '=', ids.chatbotId)
      .where('id', '=', ids.entryId)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) > 0) {
      await knowledgeChanged(db, ids.organizationId, ids.chatbotId);
    }
  }
  return db
    .selectFrom('knowledge_entries')
    .select(ENTRY_COLUMNS)
    .where(inOrganization('knowledge_entries', ids.organizationId))
    .where('chatbot_id', '=', ids.chatbotId)
    .where('id', '=', ids.entryId)
    .executeTakeFirst();
}

/** Deletes an entry of a bot; false when no such entry is in that bot and organization. */
export async function deleteKnowledgeEntry(
  db: Kysely<Database>,
  ids: { organizationId: string; chatbotId: string; entryId: string },
): Promise<boolean> {
  const result = await db
    .deleteFrom('knowledge_entries')
    .where(inOrganization('knowledge_entries', ids.organizationId))
    .where('chatbot_id', '=', ids.chatbotId)
    .where('id', '=', ids.entryId)
    .executeTakeFirst();
  const deleted = Number(result.numDeletedRows) > 0;
  if (deleted) await knowledgeChanged(db, ids.organizationId, ids.chatbotId);
  return deleted;
}

/**
 * Moves the bot's `knowledge_version`, after the entries changed: an instance that reads the new
 * version rebuilds its index from entries at least that new (`knowledge-indexes.ts`), and one
 * that built from the new entries under the old version rebuilds once more, which is only waste.
 */
async function knowledgeChanged(
  db: Kysely<Database>,
  organizationId: string,
  chatbotId: string,
): Promise<void> {
  await db
    .updateTable('chatbots')
    .set((eb) => ({ knowledge_version: eb('knowledge_version', '+', 1) }))
    .where(inOrganization('chatbots', organizationId))
    .where('id', '=', chatbotId)
    .execute();
}
