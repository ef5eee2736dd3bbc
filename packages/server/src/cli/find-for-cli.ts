import type { Kysely } from 'kysely';
import { findOrganization, type Organization } from '../accounts/organizations-repository.js';
import { type Chatbot, findChatbotAnyOrganization } from '../bots/chatbots-repository.js';
import type { Database } from '../db/schema.js';
import { isId } from '../ids.js';
import { CliError } from './cli-error.js';

/** The organization named on the command line, or an error that says it does not exist. */
export async function requireOrganization(
  db: Kysely<Database>,
  orgId: string,
): Promise<Organization> {
  const organization = isId('org', orgId) ? await findOrganization(db, orgId) : undefined;
  if (organization === undefined) throw new CliError(`unknown organization "${orgId}"`);
  return organization;
}

/** The bot named on the command line (by id alone, in whichever organization holds it). */
export async function requireChatbot(db: Kysely<Database>, botId: string): Promise<Chatbot> {
  const bot = isId('bot', botId) ? await findChatbotAnyOrganization(db, botId) : undefined;
  if (bot === undefined) throw new CliError(`unknown bot "${botId}"`);
  return bot;
}
