import { hashPassword } from '../accounts/password-hash.js';
import { createUser, findUserByEmail, ROLES } from '../accounts/users-repository.js';
import type { Role } from '../db/schema.js';
import { requireOption } from './args.js';
import { CliError, UsageError } from './cli-error.js';
import type { CliCommand } from './command.js';
import { requireOrganization } from './find-for-cli.js';
import { valueFromEnvOrInput } from './read-input.js';
import { withServices } from './with-services.js';

export const MIN_PASSWORD_LENGTH = 8;
const MAX_PASSWORD_LENGTH = 1024;
const MAX_EMAIL_LENGTH = 320;

/** `hilal user create --org ORG --email E --role owner|admin|agent` (SPEC §9). */
export const userCreateCommand: CliCommand = {
  words: ['user', 'create'],
  usage: `user create --org ORG --email EMAIL --role ${ROLES.join('|')}`,
  description: [
    'Creates a dashboard user. Prints {"id":"usr_…"}.',
    `The password (at least ${MIN_PASSWORD_LENGTH} characters) comes from HILAL_PASSWORD, or from`,
    'standard input (typed without echo on a terminal).',
  ].join('\n'),
  options: { org: { type: 'string' }, email: { type: 'string' }, role: { type: 'string' } },
  positionals: [],
  async run(args, context) {
    const orgId = requireOption(args, 'org');
    const email = parseEmail(requireOption(args, 'email'));
    const role = parseRole(requireOption(args, 'role'));
    return withServices(context.config, async ({ db }) => {
      // Everything that can be checked is checked before the password is asked for.
      const organization = await requireOrganization(db, orgId);
      if ((await findUserByEmail(db, email)) !== undefined) {
        throw new CliError(`a user with the email "${email}" already exists`);
      }
      const password = await valueFromEnvOrInput(context, 'HILAL_PASSWORD', 'password');
      const length = [...password].length;
      if (length < MIN_PASSWORD_LENGTH) {
        throw new CliError(`the password must be at least ${MIN_PASSWORD_LENGTH} characters`);
      }
      if (length > MAX_PASSWORD_LENGTH) {
        throw new CliError(`the password must be at most ${MAX_PASSWORD_LENGTH} characters`);
      }
      const passwordHash = await hashPassword(password);
      const id = await createUser(
        db,
        { organizationId: organization.id, email, passwordHash, role },
        context.now(),
      );
      return { id };
    });
  },
};

function parseRole(value: string): Role {
  const role = ROLES.find((candidate) => candidate === value);
  if (role === undefined) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  return role;
}

function parseEmail(value: string): string {
  const email = value.trim();
  if (!/^[^\s@]+@[^\s@]+$/.test(email) || [...email].length > MAX_EMAIL_LENGTH) {
    throw new UsageError('--email must be an email address');
  }
  return email;
}
