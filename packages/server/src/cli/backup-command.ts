import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CliError } from './cli-error.js';
import type { CliCommand } from './command.js';

const PRIVATE_FILE_MODE = 0o600;

/**
 * `hilal backup PATH`: a consistent copy of the SQLite database while the server keeps writing,
 * through SQLite's online backup API (better-sqlite3 `db.backup`). It is written to a temporary
 * file created 0600 beside PATH and renamed over it when complete, so PATH never holds half a
 * backup and is never readable by others, whatever the umask (docs/contract.md §10: the data
 * holds encrypted secrets and personal data). PostgreSQL has its own tool, pg_dump.
 */
export const backupCommand: CliCommand = {
  words: ['backup'],
  usage: 'backup PATH',
  description:
    'Copies the SQLite database to PATH (0600) while the server runs. Prints {"path":…,"bytes":…}.\n' +
    'On PostgreSQL it refuses: use pg_dump.',
  options: {},
  positionals: ['PATH'],
  async run(args, { config }) {
    const url = config.databaseUrl;
    if (!url.startsWith('sqlite:')) {
      throw new CliError(
        'hilal backup copies SQLite databases only; for PostgreSQL use pg_dump, e.g. ' +
          'pg_dump --format=custom --file=hilal.dump "$DATABASE_URL" (see the README, "Backups")',
      );
    }
    const source = url.slice('sqlite:'.length);
    if (source === ':memory:') throw new CliError('an in-memory database cannot be backed up');
    if (!fs.existsSync(source)) throw new CliError(`no database at ${source}`);
    const target = path.resolve(args.positionals[0] ?? '');
    if (fs.existsSync(target) && fs.statSync(target).isDirectory()) {
      throw new CliError(`${target} is a folder: give the backup file's path`);
    }
    if (!fs.existsSync(path.dirname(target))) {
      throw new CliError(`there is no folder ${path.dirname(target)}: create it first`);
    }
    if (fs.existsSync(target) && fs.realpathSync(target) === fs.realpathSync(source)) {
      throw new CliError('the backup path is the database itself');
    }

    const { default: SQLite } = await import('better-sqlite3');
    const temporary = `${target}.${randomBytes(6).toString('hex')}.partial`;
    // Created 0600 before SQLite opens it: SQLite keeps an existing file's mode.
    fs.closeSync(fs.openSync(temporary, 'wx', PRIVATE_FILE_MODE));
    fs.chmodSync(temporary, PRIVATE_FILE_MODE);
    const database = new SQLite(source, { fileMustExist: true });
    try {
      database.pragma('busy_timeout = 5000');
      await database.backup(temporary);
      fs.renameSync(temporary, target);
    } catch (error) {
      fs.rmSync(temporary, { force: true });
      throw error;
    } finally {
      database.close();
    }
    return { path: target, bytes: fs.statSync(target).size };
  },
};
