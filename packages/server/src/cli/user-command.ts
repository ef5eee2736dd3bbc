import type { Role } from '../db/schema.js';
import { requireOption } from './args.js';
import { CliError, UsageError } from './cli-error.js';
import type { CliCommand } from './command.js';
import { valueFromEnvOrInput } from './read-input.js';

export const MIN_PASSWORD_LENGTH = 8;
// docs/contract.md §7. Keyed by `Role`, so the compiler keeps this list and the database's type in step.
const ROLE_HELP: Readonly<Record<Role, string>> = {
  owner: 'owns the organization; manages chatbot settings',
  admin: 'manages chatbot settings',
  agent: 'works the inbox',
};
const ROLES = Object.keys(ROLE_HELP);
const MAX_PASSWORD_LENGTH = 1024;
const MAX_EMAIL_LENGTH = 320;

/** `hilal user create --org ORG --email E --role owner|admin|agent` (docs/contract.md §9). */
export const userCreateCommand: CliCommand = {
  words: ['user', 'create'],
  usage: `user create --org ORG --email EMAIL --role ${ROLES.join('|')}`,
  description: [
    'Creates a dashboard user. Prints {"id":"usr_…"}.',
    ...Object.entries(ROLE_HELP).map(([role, help]) => `  ${role}: ${help}`),
    `The password (at least ${MIN_PASSWORD_LENGTH} characters) comes from HILAL_PASSWORD, or from`,
    'standard input (typed without echo on a terminal).',
  ].join('\n'),
  options: { org: { type: 'string' }, email: { type: 'string' }, role: { type: 'string' } },
  positionals: [],
  async run(args, context) {
    const orgId = requireOption(args, 'org');
    const email = parseEmail(requireOption(args, 'email'));
    const role = parseRole(requireOption(args, 'role'));
    const [{ withServices }, { requireOrganization }, users, { hashPassword }] = await Promise.all([
      import('./with-services.js'),
      import('./find-for-cli.js'),
      import('../accounts/users-repository.js'),
      import('../accounts/password-hash.js'),
    ]);
    const { createUser, findUserByEmail } = users;
    return withServices(context.config, async (services) => {
      const { db } = services;
      // Everything that can be checked is checked before the password is asked for.
      const organization = await requireOrganization(services, orgId);
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
  if (!isRole(value)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  return value;
}

function isRole(value: string): value is Role {
  return Object.hasOwn(ROLE_HELP, value);
}

function parseEmail(value: string): string {
  const email = value.trim();
  if (!/^[^\s@]+@[^\s@]+$/.test(email) || [...email].length > MAX_EMAIL_LENGTH) {
    throw new UsageError('--email must be an email address');
  }
  return email;
}
