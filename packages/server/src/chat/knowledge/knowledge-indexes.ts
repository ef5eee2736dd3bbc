import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { KnowledgeEntry } from './knowledge-entry.js';
import { listKnowledgeEntries } from './knowledge-repository.js';
import {
  buildKnowledgeIndex,
  type KnowledgeIndex,
  searchKnowledgeIndex,
} from './knowledge-search.js';

/** The bot whose knowledge is searched, with the `knowledge_version` its row had just now. */
export interface KnowledgeBot {
  readonly organizationId: string;
  readonly chatbotId: string;
  readonly knowledgeVersion: number;
}

export interface KnowledgeIndexes {
  /** The bot's entries that best match `text` (`searchKnowledge`), from its index. */
  search(bot: KnowledgeBot, text: string): Promise<KnowledgeEntry[]>;
}

const MAX_BOTS = 1000;

/**
 * Each bot's knowledge index, built once and kept while its `knowledge_version` holds. The
 * version comes from the bot's row, which the chat API reads on every request, and it moves
 * with every change to the entries (`knowledge-repository.ts`) whichever instance or process
 * made it: the next reply anywhere rebuilds, with no query of its own meanwhile.
 */
export function createKnowledgeIndexes(db: Kysely<Database>): KnowledgeIndexes {
  const byBot = new Map<string, { version: number; index: KnowledgeIndex }>();

  async function indexOf(bot: KnowledgeBot): Promise<KnowledgeIndex> {
    const key = `${bot.organizationId}/${bot.chatbotId}`;
    const cached = byBot.get(key);
    if (cached !== undefined && cached.version === bot.knowledgeVersion) return cached.index;
    const entries = await listKnowledgeEntries(db, bot.organizationId, bot.chatbotId);
    const index = buildKnowledgeIndex(entries);
    const latest = byBot.get(key);
    // A slower request that read an older version must not replace a newer index.
    if (latest === undefined || latest.version <= bot.knowledgeVersion) {
      byBot.delete(key);
      if (byBot.size >= MAX_BOTS) {
        const oldest = byBot.keys().next().value;
        if (oldest !== undefined) byBot.delete(oldest);
      }
      byBot.set(key, { version: bot.knowledgeVersion, index });
    }
    return index;
  }

  return {
    async search(bot, text) {
      return searchKnowledgeIndex(await indexOf(bot), text);
    },
  };
}
