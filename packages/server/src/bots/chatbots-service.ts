import {
  CHATBOT_LIMITS,
  type ChatbotDetail,
  type CreateKnowledgeEntryBody,
  type KnowledgeEntry,
  type UpdateBotBody,
  type UpdateKnowledgeEntryBody,
} from '@hilal/contract/admin-api';
import type { Kysely } from 'kysely';
import {
  addKnowledgeEntry,
  deleteKnowledgeEntry,
  listKnowledgeEntries,
  updateKnowledgeEntry,
} from '../chat/knowledge/knowledge-repository.js';
import type { Database } from '../db/schema.js';
import { type FieldProblem, HilalError } from '../errors.js';
import { isId } from '../ids.js';
import { codePoints, parseBotSettings } from './bot-settings.js';
import {
  type Chatbot,
  createChatbot,
  findChatbot,
  listChatbots,
  lockChatbot,
  updateChatbot,
} from './chatbots-repository.js';
import { checkBotName, checkSettingsChange } from './settings-patch.js';

export interface ChatbotsDeps {
  readonly db: Kysely<Database>;
  readonly now: () => number;
  /** After a bot's settings are saved: caches of them (the signing keys' allowed origins) go. */
  readonly onSettingsSaved?: () => void;
}

/**
 * The Chatbots screen's flows (docs/contract.md §7 Chatbots): the list, "New chatbot", the
 * settings of Basic and Appearance, and the knowledge entries. Every call names the signed-in
 * user's organization, and every query is scoped to it: another organization's bot is 404
 * `bot_not_found`, exactly like one that does not exist.
 */
export function createChatbotsService({ db, now, onSettingsSaved }: ChatbotsDeps) {
  const bot = async (organizationId: string, botId: string): Promise<Chatbot> => {
    const found = isId('bot', botId) ? await findChatbot(db, organizationId, botId) : undefined;
    if (found === undefined) throw new HilalError('bot_not_found');
    return found;
  };

  return {
    list: async (organizationId: string) => ({ bots: await listChatbots(db, organizationId) }),

    async create(organizationId: string, name: string): Promise<ChatbotDetail> {
      return detail(await createChatbot(db, organizationId, checkBotName(name), now()));
    },

    get: async (organizationId: string, botId: string) => detail(await bot(organizationId, botId)),

    /**
     * Checks every field first (400 `invalid_settings`), then merges the change into the stored
     * settings under the bot's row lock: two saves at the same moment (Basic and Appearance in
     * two tabs) each keep what the other changed.
     */
    async update(organizationId: string, botId: string, body: UpdateBotBody) {
      const change = checkSettingsChange(body);
      if (!isId('bot', botId)) throw new HilalError('bot_not_found');
      const saved = await db.transaction().execute(async (trx) => {
        const current = (await lockChatbot(trx, organizationId, botId))
          ? await findChatbot(trx, organizationId, botId)
          : undefined;
        if (current === undefined) throw new HilalError('bot_not_found');
        // Keys this version does not know are kept for the version that wrote them.
        const settings = JSON.stringify({ ...storedObject(current.settings), ...change.settings });
        const next = { name: change.name ?? current.name, settings };
        await updateChatbot(trx, organizationId, botId, next);
        return detail({ ...current, ...next });
      });
      onSettingsSaved?.();
      return saved;
    },

    async listKnowledge(organizationId: string, botId: string) {
      await bot(organizationId, botId);
      return { entries: await listKnowledgeEntries(db, organizationId, botId) };
    },

    async addKnowledge(
      organizationId: string,
      botId: string,
      body: CreateKnowledgeEntryBody,
    ): Promise<KnowledgeEntry> {
      const entry = checkEntry(body);
      const added = isId('bot', botId)
        ? await addKnowledgeEntry(
            db,
            { organizationId, chatbotId: botId, title: entry.title ?? '', body: entry.body ?? '' },
            now(),
          )
        : undefined;
      if (added === undefined) throw new HilalError('bot_not_found');
      return added;
    },

    async updateKnowledge(
      organizationId: string,
      botId: string,
      entryId: string,
      body: UpdateKnowledgeEntryBody,
    ): Promise<KnowledgeEntry> {
      const change = checkEntry(body);
      await bot(organizationId, botId);
      const entry = isId('kb', entryId)
        ? await updateKnowledgeEntry(db, { organizationId, chatbotId: botId, entryId }, change)
        : undefined;
      if (entry === undefined) throw new HilalError('knowledge_entry_not_found');
      return entry;
    },

    async deleteKnowledge(organizationId: string, botId: string, entryId: string) {
      await bot(organizationId, botId);
      const ids = { organizationId, chatbotId: botId, entryId };
      if (!isId('kb', entryId) || !(await deleteKnowledgeEntry(db, ids)))
        throw new HilalError('knowledge_entry_not_found');
    },
  };
}

export type ChatbotsService = ReturnType<typeof createChatbotsService>;

/** A bot as the admin API shows it: its settings with every default filled in, and no secret. */
function detail(bot: Pick<Chatbot, 'id' | 'name' | 'settings'>): ChatbotDetail {
  const { title, color, position, welcome, allowedOrigins, identityMode } = parseBotSettings(
    bot.settings,
    bot.name,
  );
  return {
    id: bot.id,
    name: bot.name,
    settings: {
      title,
      color,
      position,
      welcome,
      allowedOrigins: [...allowedOrigins],
      identityMode,
    },
  };
}

function storedObject(json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/** An entry's title and body (docs/contract.md §7): not blank, within `CHATBOT_LIMITS`. */
function checkEntry(body: UpdateKnowledgeEntryBody): { title?: string; body?: string } {
  const problems: FieldProblem[] = [];
  const checked: { title?: string; body?: string } = {};
  const rules = [
    ['title', CHATBOT_LIMITS.knowledgeTitle],
    ['body', CHATBOT_LIMITS.knowledgeBody],
  ] as const;
  for (const [field, max] of rules) {
    const value = body[field]?.trim();
    if (value === undefined) continue;
    if (value === '') problems.push({ field, problem: 'blank' });
    else if (codePoints(value) > max) problems.push({ field, problem: 'too_long' });
    checked[field] = value;
  }
  if (problems.length > 0) throw new HilalError('invalid_knowledge_entry', {}, problems);
  return checked;
}
