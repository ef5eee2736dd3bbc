import { signHs256 } from '../identity/sign-hs256.js';
import { CliError, UsageError } from './cli-error.js';
import type { CliCommand } from './command.js';
import { valueFromEnvOrInput } from './read-input.js';

const DEFAULT_TTL_S = 600;
const MAX_TTL_S = 365 * 24 * 3600;
// docs/contract.md §4 rule 4: the limits the server applies, so a token made here is never refused for them.
const MAX_SUB_LENGTH = 255;
const MAX_NAME_OR_EMAIL_LENGTH = 320;

/**
 * `hilal token --sub S [--name N] [--email E] [--ttl SECONDS]`: an HS256 token for trying things
 * out, signed as a customer's backend would sign it. The secret comes from `HILAL_SECRET` or
 * standard input, never from a flag, so it stays out of shell history and process listings.
 */
export const tokenCommand: CliCommand = {
  words: ['token'],
  usage: 'token --sub SUB [--name NAME] [--email EMAIL] [--ttl SECONDS]',
  description: [
    `Prints an HS256 identity token, valid for --ttl seconds (default ${DEFAULT_TTL_S}).`,
    'The secret comes from HILAL_SECRET, or from standard input.',
  ].join('\n'),
  options: {
    sub: { type: 'string' },
    name: { type: 'string' },
    email: { type: 'string' },
    ttl: { type: 'string' },
  },
  positionals: [],
  async run(args, context) {
    const sub = args.values.get('sub');
    if (sub === undefined) throw new UsageError('missing --sub');
    const claims: Record<string, string | number> = {
      sub: limited(sub, 'sub', MAX_SUB_LENGTH),
    };
    for (const name of ['name', 'email'] as const) {
      const value = args.values.get(name);
      if (value !== undefined) claims[name] = limited(value, name, MAX_NAME_OR_EMAIL_LENGTH);
    }
    const ttl = parseTtl(args.values.get('ttl'));
    const secret = (await valueFromEnvOrInput(context, 'HILAL_SECRET', 'secret')).trim();
    if (secret === '') throw new CliError('no secret: HILAL_SECRET holds only whitespace');
    const iat = Math.floor(context.now() / 1000);
    return signHs256(secret, { ...claims, iat, exp: iat + ttl });
  },
};

function limited(value: string, name: string, max: number): string {
  if ([...value].length > max) throw new UsageError(`--${name} must be at most ${max} characters`);
  return value;
}

function parseTtl(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_TTL_S;
  const ttl = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(ttl >= 1 && ttl <= MAX_TTL_S)) {
    throw new UsageError(`--ttl must be a whole number of seconds from 1 to ${MAX_TTL_S}`);
  }
  return ttl;
}
