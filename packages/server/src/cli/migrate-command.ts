import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { checkDatabase } from './check-connections.js';
import type { CliCommand } from './command.js';

/** `hilal migrate`: applies pending migrations and names them; `[]` when there were none. */
export const migrateCommand: CliCommand = {
  words: ['migrate'],
  usage: 'migrate',
  description: 'Applies pending database migrations. Prints {"applied":["<name>",…]}.',
  options: {},
  positionals: [],
  async run(_args, { config }) {
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
