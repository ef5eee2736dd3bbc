import { findOrganization, type Organization } from '../accounts/organizations-repository.js';
import { type Chatbot, findChatbotAnyOrganization } from '../bots/chatbots-repository.js';
import { isId } from '../ids.js';
import type { AppServices } from '../services.js';
import { redactUrl } from './check-connections.js';
import { CliError } from './cli-error.js';

/** What the lookups need: the database, and its configuration to name it in an error. */
type Lookup = Pick<AppServices, 'db' | 'config'>;

/** The organization named on the command line, or an error that says it does not exist. */
export async function requireOrganization(
  { db, config }: Lookup,
  orgId: string,
): Promise<Organization> {
  const organization = isId('org', orgId) ? await findOrganization(db, orgId) : undefined;
  if (organization === undefined) throw notFound(`unknown organization "${orgId}"`, config);
  return organization;
}

/** The bot named on the command line (by id alone, in whichever organization holds it). */
export async function requireChatbot({ db, config }: Lookup, botId: string): Promise<Chatbot> {
  const bot = isId('bot', botId) ? await findChatbotAnyOrganization(db, botId) : undefined;
  if (bot === undefined) throw notFound(`unknown bot "${botId}"`, config);
  return bot;
}

/**
 * An id that is not there is most often looked for in the wrong database: a command run with
 * another HILAL_DATA_DIR (or none) than the server's opens, and migrates, an empty one of its
 * own. So the message names the database it looked in, and the variables that choose it.
 */
function notFound(what: string, config: Lookup['config']): CliError {
  const sqlite = config.databaseUrl.startsWith('sqlite:');
  const where = sqlite ? config.databaseUrl : redactUrl(config.databaseUrl);
  const variables = sqlite ? 'HILAL_DATA_DIR (or DATABASE_URL)' : 'DATABASE_URL';
  return new CliError(
    `${what} in the database ${where}. Is that the server's database? Set ${variables} as the server has it.`,
  );
}
