import { requireOption, requireText } from './args.js';
import type { CliCommand } from './command.js';
import { MAX_NAME_LENGTH } from './org-command.js';

/** `hilal bot create --org ORG --name N` (docs/contract.md §9). */
export const botCreateCommand: CliCommand = {
  words: ['bot', 'create'],
  usage: 'bot create --org ORG --name NAME',
  description: 'Creates a chatbot in an organization. Prints {"id":"bot_…","orgId":"org_…"}.',
  options: { org: { type: 'string' }, name: { type: 'string' } },
  positionals: [],
  async run(args, { config, now }) {
    const orgId = requireOption(args, 'org');
    const name = requireText(args, 'name', MAX_NAME_LENGTH);
    const [{ withServices }, { requireOrganization }, { createChatbot }] = await Promise.all([
      import('./with-services.js'),
      import('./find-for-cli.js'),
      import('../bots/chatbots-repository.js'),
    ]);
    return withServices(config, async (services) => {
      const { db } = services;
      const organization = await requireOrganization(services, orgId);
      const bot = await createChatbot(db, organization.id, name, now());
      return { id: bot.id, orgId: bot.organization_id };
    });
  },
};
