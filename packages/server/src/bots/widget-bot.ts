import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { HilalError } from '../errors.js';
import { isId } from '../ids.js';
import { type BotSettings, originAllowed, parseBotSettings } from './bot-settings.js';
import { type Chatbot, findChatbot } from './chatbots-repository.js';

/**
 * The bot a widget request names, with its settings, for a page on `origin`: 404 `bot_not_found`
 * when it is not in that organization (junk ids never reach the database), then 403
 * `origin_not_allowed` when the bot lists its origins and this is not one of them.
 */
export async function findWidgetBot(
  db: Kysely<Database>,
  organizationId: string,
  chatbotId: string,
  origin: string | undefined,
): Promise<{ bot: Chatbot; settings: BotSettings }> {
  const bot =
    isId('org', organizationId) && isId('bot', chatbotId)
      ? await findChatbot(db, organizationId, chatbotId)
      : undefined;
  if (bot === undefined) throw new HilalError('bot_not_found');
  const settings = parseBotSettings(bot.settings, bot.name);
  if (!originAllowed(settings, origin)) throw new HilalError('origin_not_allowed');
  return { bot, settings };
}
