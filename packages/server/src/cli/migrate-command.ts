import type { CliCommand } from './command.js';

/** `hilal migrate`: applies pending migrations and names them; `[]` when there were none. */
export const migrateCommand: CliCommand = {
  words: ['migrate'],
  usage: 'migrate',
  description: 'Applies pending database migrations. Prints {"applied":["<name>",…]}.',
  options: {},
  positionals: [],
  async run(_args, { config }) {
    const [{ checkDatabase }, { openDatabase }, { migrateToLatest }] = await Promise.all([
      import('./check-connections.js'),
      import('../db/database.js'),
      import('../db/migrate.js'),
    ]);
    // Not through openServices, which migrates on open and would leave nothing to report.
    await checkDatabase(config);
    const database = openDatabase(config.databaseUrl);
    try {
      const applied = await migrateToLatest(database.db, { dialect: database.dialect });
      return { applied };
    } finally {
      await database.destroy();
    }
  },
};
