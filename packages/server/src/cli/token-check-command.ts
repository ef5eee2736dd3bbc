import { CliError } from './cli-error.js';
import type { CliCommand } from './command.js';

/**
 * `hilal token check BOT` (docs/contract.md §9): the dashboard's "Check a token" (§7) on the
 * command line. The token comes from standard input, never from a flag (it is a credential);
 * it is only read, never stored, logged or echoed in a message. Whether or not it verifies, the
 * verdict is the output and the exit status is 0; only a failure to check at all is an error.
 */
export const tokenCheckCommand: CliCommand = {
  words: ['token', 'check'],
  usage: 'token check BOT',
  description: [
    'Checks a token (read from standard input) against the bot, as verify-jwt would, with this',
    'configuration. Prints {"verified":…,"reason"?,"detail"?,"fix"?,"header","claims","times"}',
    'and, while a secret is pending, "afterSave": whether it verifies once the secret is saved.',
  ].join('\n'),
  options: {},
  positionals: ['BOT'],
  async run(args, context) {
    const [botId = ''] = args.positionals;
    const [{ withServices }, { requireChatbot }, { checkToken }] = await Promise.all([
      import('./with-services.js'),
      import('./find-for-cli.js'),
      import('../identity/check-token.js'),
    ]);
    return withServices(
      context.config,
      async (services) => {
        const bot = await requireChatbot(services, botId);
        // Only the line break a pipe or `echo` adds is dropped: other whitespace is the token's
        // own, and verify-jwt would refuse it too.
        const token = (await context.readInput('token: ')).replace(/\r?\n$/, '');
        if (token === '') throw new CliError('no token: pass it on standard input');
        return checkToken(
          {
            signingKeys: services.signingKeys,
            now: services.now,
            toleranceS: context.config.clockToleranceS,
          },
          { orgId: bot.organization_id, botId: bot.id, token },
        );
      },
      { now: context.now },
    );
  },
};
