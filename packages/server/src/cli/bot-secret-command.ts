import type { CliCommand } from './command.js';

/** Recorded as who rotated the secret, for the dashboard's "last rotated by". */
export const CLI_ACTOR = 'cli';

/**
 * `hilal bot secret regenerate BOT`: Regenerate and Save at once (docs/contract.md §3, §9). The new secret is
 * printed here, once; tokens signed with the old one fail from the moment this returns.
 */
export const botSecretRegenerateCommand: CliCommand = {
  words: ['bot', 'secret', 'regenerate'],
  usage: 'bot secret regenerate BOT',
  description: [
    'Generates a new widget secret for the bot and saves it at once; the old one stops working.',
    'Prints {"secret":"<64 hex>","preview":"••••…"}. The secret is shown this once: store it now.',
  ].join('\n'),
  options: {},
  positionals: ['BOT'],
  async run(args, { config }) {
    const [botId = ''] = args.positionals;
    const { withServices, requireChatbot } = await loadDataLayer();
    return withServices(config, async ({ db, secrets }) => {
      const bot = await requireChatbot(db, botId);
      const { secret, preview } = await secrets.rotate(bot.organization_id, bot.id, CLI_ACTOR);
      return { secret, preview };
    });
  },
};

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
  async run(args, { config, io }) {
    const [botId = ''] = args.positionals;
    const { withServices, requireChatbot } = await loadDataLayer();
    return withServices(config, async ({ db, secrets }) => {
      const bot = await requireChatbot(db, botId);
      const status = await secrets.clear(bot.organization_id, bot.id);
      // docs/contract.md §9 prints exactly this: the bot's own secret is gone. The fallback is worth a note.
      if (status.state === 'environment') {
        io.stderr(
          'hilal: note: WIDGET_JWT_HMAC_SECRET is set, so this bot now verifies tokens with it\n',
        );
      }
      return { configured: false };
    });
  },
};

async function loadDataLayer() {
  const [{ withServices }, { requireChatbot }] = await Promise.all([
    import('./with-services.js'),
    import('./find-for-cli.js'),
  ]);
  return { withServices, requireChatbot };
}
