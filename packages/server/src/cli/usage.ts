import type { CliCommand } from './command.js';

/** The whole `hilal --help` text, built from the command table. */
export function usageText(commands: readonly CliCommand[]): string {
  return [
    'Usage: hilal <command> [options]',
    '',
    'Commands:',
    ...commands.map(describe),
    'Every command reads the server configuration from the environment (DATABASE_URL,',
    'HILAL_DATA_DIR, HILAL_MASTER_KEY, REDIS_URL, …). Every command but serve and token prints one',
    'line of JSON on standard output; on error, a message goes to standard error and the exit',
    'status is non-zero (2: wrong usage, 78: bad configuration, 1: anything else).',
    'Run "hilal <command> --help" for one command.',
    '',
  ].join('\n');
}

/** The help of one command, or of a group such as `bot`. */
export function commandUsageText(commands: readonly CliCommand[]): string {
  return ['Usage:', ...commands.map(describe)].join('\n');
}

function describe(command: CliCommand): string {
  const lines = command.description.split('\n').map((line) => `      ${line}`);
  return [`  hilal ${command.usage}`, ...lines, ''].join('\n');
}
