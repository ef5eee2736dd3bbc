import type { CliCommand } from './command.js';

/** `hilal serve`: runs the server until SIGINT or SIGTERM (`npm start` does this). */
export const serveCommand: CliCommand = {
  words: ['serve'],
  usage: 'serve',
  description: 'Runs the server on HOST:PORT until SIGINT or SIGTERM. Prints logs, not JSON.',
  options: {},
  positionals: [],
  async run(_args, { config }) {
    // Loaded only here, so the other commands do not pay for loading the HTTP stack.
    const [{ checkDatabase, checkRedis }, { serve }] = await Promise.all([
      import('./check-connections.js'),
      import('./serve.js'),
    ]);
    // Say at once when the database or Redis is unreachable, rather than hang at start.
    await checkDatabase(config);
    await checkRedis(config);
    await serve(config);
    return undefined;
  },
};
