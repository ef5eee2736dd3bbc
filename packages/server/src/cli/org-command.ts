import { createOrganization } from '../accounts/organizations-repository.js';
import { requireText } from './args.js';
import type { CliCommand } from './command.js';

export const MAX_NAME_LENGTH = 200;

/** `hilal org create --name N` (docs/contract.md §9). */
export const orgCreateCommand: CliCommand = {
  words: ['org', 'create'],
  usage: 'org create --name NAME',
  description: 'Creates an organization. Prints {"id":"org_…"}.',
  options: { name: { type: 'string' } },
  positionals: [],
  async run(args, { config, now }) {
    const name = requireText(args, 'name', MAX_NAME_LENGTH);
    const { withServices } = await import('./with-services.js');
    return withServices(config, async ({ db }) => {
      const organization = await createOrganization(db, name, now());
      return { id: organization.id };
    });
  },
};
