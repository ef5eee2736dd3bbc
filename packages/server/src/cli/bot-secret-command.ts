// Types only: the data layer itself is imported inside `run` (see `command.ts`).
import type { Chatbot } from '../bots/chatbots-repository.js';
import type { SecretStatus } from '../bots/widget-secret-service.js';
import type { AppServices } from '../services.js';
import { CliError } from './cli-error.js';
import type { CliCommand, CliContext } from './command.js';

/** Recorded as who rotated the secret, for the dashboard's "last rotated by". */
export const CLI_ACTOR = 'cli';

/**
 * `hilal bot secret regenerate BOT [--pending]` (docs/contract.md §3, §9). Plain, it regenerates
 * and saves at once: tokens signed with the old secret fail from the moment this returns. With
 * `--pending` it is the dashboard's Regenerate: the new secret verifies beside the old one until
 * `save` (zero-gap rotation), `cancel`, or 24 hours. The new secret is printed here, once.
 */
export const botSecretRegenerateCommand: CliCommand = {
  words: ['bot', 'secret', 'regenerate'],
  usage: 'bot secret regenerate BOT [--pending]',
  description: [
    'Generates a new widget secret for the bot and saves it at once; the old one stops working.',
    'Prints {"secret":"<64 hex>","preview":"••••…"}. The secret is shown this once: store it now.',
    'With --pending the old secret stays in force and both verify, so you can deploy the new one',
    'first; then "bot secret save BOT" (or "bot secret cancel BOT"). Unsaved, it is dropped after',
    '24 hours. Prints {"secret":"<64 hex>","preview":"••••…","pending":true}.',
  ].join('\n'),
  options: { pending: { type: 'boolean' } },
  positionals: ['BOT'],
  async run(args, context) {
    const [botId = ''] = args.positionals;
    const pending = args.values.has('pending');
    return withBot(context, botId, async ({ secrets }, bot) => {
      if (!pending) {
        const { secret, preview } = await secrets.rotate(bot.organization_id, bot.id, CLI_ACTOR);
        return { secret, preview };
      }
      const { secret, preview } = await secrets.regenerate(bot.organization_id, bot.id, CLI_ACTOR);
      const { pendingExpiresAt } = await secrets.status(bot.organization_id, bot.id);
      const until = pendingExpiresAt === null ? '' : new Date(pendingExpiresAt).toISOString();
      context.io.stderr(
        `hilal: note: both secrets verify until "hilal bot secret save ${bot.id}"; unsaved, the new one is dropped at ${until}\n`,
      );
      return { secret, preview, pending: true };
    });
  },
};

/** `save` and `cancel` of a pending secret: the same command but for what they do. */
function pendingSecretCommand(
  action: 'save' | 'cancel',
  description: readonly string[],
): CliCommand {
  return {
    words: ['bot', 'secret', action],
    usage: `bot secret ${action} BOT`,
    description: description.join('\n'),
    options: {},
    positionals: ['BOT'],
    async run(args, context) {
      const [botId = ''] = args.positionals;
      return withBot(context, botId, ({ secrets }, bot) =>
        needsPending(bot.id, () => secrets[action](bot.organization_id, bot.id, CLI_ACTOR)),
      );
    },
  };
}

/** `hilal bot secret save BOT`: the pending secret becomes the bot's; the old one fails at once. */
export const botSecretSaveCommand = pendingSecretCommand('save', [
  'Saves the secret made by "bot secret regenerate BOT --pending": it becomes the bot\'s secret',
  "and tokens signed with the old one stop working at once. Prints the secret's status.",
]);

/** `hilal bot secret cancel BOT`: the pending secret is dropped; the active one stays. */
export const botSecretCancelCommand = pendingSecretCommand('cancel', [
  'Drops the secret made by "bot secret regenerate BOT --pending": tokens signed with it stop',
  "working at once; the bot's secret stays as it was. Prints the secret's status.",
]);

/** `hilal bot secret clear BOT`: the bot no longer has a secret of its own. */
export const botSecretClearCommand: CliCommand = {
  words: ['bot', 'secret', 'clear'],
  usage: 'bot secret clear BOT',
  description: [
    "Removes the bot's own widget secret; tokens signed with it stop working.",
    'Prints {"configured":false}. If WIDGET_JWT_HMAC_SECRET is set, the bot falls back to it.',
  ].join('\n'),
  options: {},
  positionals: ['BOT'],
  async run(args, context) {
    const [botId = ''] = args.positionals;
    return withBot(context, botId, async ({ secrets }, bot) => {
      const status = await secrets.clear(bot.organization_id, bot.id, CLI_ACTOR);
      // docs/contract.md §9 prints exactly this: the bot's own secret is gone. The fallback is worth a note.
      if (status.state === 'environment') {
        context.io.stderr(
          'hilal: note: WIDGET_JWT_HMAC_SECRET is set, so this bot now verifies tokens with it\n',
        );
      }
      return { configured: false };
    });
  },
};

/** Opens the services with the command line's clock and finds the bot (or names the database). */
async function withBot<T>(
  context: CliContext,
  botId: string,
  use: (services: AppServices, bot: Chatbot) => Promise<T>,
): Promise<T> {
  const [{ withServices }, { requireChatbot }] = await Promise.all([
    import('./with-services.js'),
    import('./find-for-cli.js'),
  ]);
  return withServices(
    context.config,
    async (services) => use(services, await requireChatbot(services, botId)),
    { now: context.now },
  );
}

/** Save and cancel need a pending secret; without one, say so in the command line's words. */
async function needsPending(
  botId: string,
  change: () => Promise<SecretStatus>,
): Promise<SecretStatus> {
  const { HilalError } = await import('../errors.js');
  try {
    return await change();
  } catch (error) {
    if (error instanceof HilalError && error.code === 'no_pending_secret') {
      throw new CliError(
        `bot "${botId}" has no pending secret: make one with "hilal bot secret regenerate ${botId} --pending" (an unsaved one is dropped after 24 hours)`,
      );
    }
    throw error;
  }
}
