import { ConfigError, loadConfig } from '../config.js';
import { parseCommandArgs } from './args.js';
import { backupCommand } from './backup-command.js';
import { botCreateCommand } from './bot-command.js';
import {
  botSecretCancelCommand,
  botSecretClearCommand,
  botSecretRegenerateCommand,
  botSecretSaveCommand,
} from './bot-secret-command.js';
import { CliError, UsageError } from './cli-error.js';
import type { CliCommand, CliContext, CliIo } from './command.js';
import { migrateCommand } from './migrate-command.js';
import { orgCreateCommand } from './org-command.js';
import { readProcessInput } from './read-input.js';
import { serveCommand } from './serve-command.js';
import { tokenCheckCommand } from './token-check-command.js';
import { tokenCommand } from './token-command.js';
import { commandUsageText, usageText } from './usage.js';
import { userCreateCommand } from './user-command.js';

export type { CliIo } from './command.js';

/**
 * docs/contract.md §9, in the order `--help` lists them. The first whose words start the command
 * line runs, so `token check` comes before `token`.
 */
export const COMMANDS: readonly CliCommand[] = [
  serveCommand,
  migrateCommand,
  backupCommand,
  orgCreateCommand,
  userCreateCommand,
  botCreateCommand,
  botSecretRegenerateCommand,
  botSecretSaveCommand,
  botSecretCancelCommand,
  botSecretClearCommand,
  tokenCheckCommand,
  tokenCommand,
];

const EXIT_CONFIG = 78; // EX_CONFIG, sysexits.h

// Values that must never reach standard error, even inside an unexpected error's message.
const SENSITIVE_VARIABLES = [
  'HILAL_SECRET',
  'HILAL_PASSWORD',
  'WIDGET_JWT_HMAC_SECRET',
  'HILAL_MASTER_KEY',
];

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readInput: readProcessInput,
  now: Date.now,
};

/**
 * `npx hilal <command>` (docs/contract.md §9). Returns the exit code; never exits the process itself, so
 * tests can call it in-process with their own `env` and `io`.
 *
 * @example
 * const code = await main(['org', 'create', '--name', 'Acme'], env, io); // io.stdout ← {"id":"org_…"}
 */
export async function main(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: CliIo = processIo,
): Promise<number> {
  try {
    const [first] = argv;
    if (first === undefined) {
      io.stderr(`hilal: no command given\n${usageText(COMMANDS)}`);
      return 2;
    }
    if (first === '--help' || first === '-h' || first === 'help') {
      const topic = argv.slice(1);
      const matching = topic.length === 0 ? [] : commandsUnder(topic);
      io.stdout(matching.length > 0 ? commandUsageText(matching) : usageText(COMMANDS));
      return 0;
    }

    const command = COMMANDS.find((candidate) => startsWith(argv, candidate.words));
    if (command === undefined) return unknownCommand(argv, io);
    const name = command.words.join(' ');
    const args = parseCommandArgs(argv.slice(command.words.length), command, name);
    if (args.help) {
      io.stdout(commandUsageText([command]));
      return 0;
    }

    const context: CliContext = {
      config: loadConfig(env),
      env,
      io,
      readInput: io.readInput ?? readProcessInput,
      now: io.now ?? Date.now,
    };
    const output = await command.run(args, context);
    if (typeof output === 'string') io.stdout(`${output}\n`);
    else if (output !== undefined) io.stdout(`${JSON.stringify(output)}\n`);
    return 0;
  } catch (error) {
    return reportError(error, argv, env, io);
  }
}

function reportError(
  error: unknown,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: CliIo,
): number {
  if (error instanceof ConfigError) {
    io.stderr(`hilal: configuration error: ${error.message}\n`);
    return EXIT_CONFIG;
  }
  if (error instanceof UsageError) {
    const command = COMMANDS.find((candidate) => startsWith(argv, candidate.words));
    const help = command ? `hilal ${command.words.join(' ')} --help` : 'hilal --help';
    io.stderr(`hilal: ${error.message}\nRun "${help}" for usage.\n`);
    return error.exitCode;
  }
  if (error instanceof CliError) {
    io.stderr(`hilal: ${error.message}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`hilal: ${redact(message, env)}\n`);
  return 1;
}

/** `hilal bot` or `hilal bot secret` alone lists what follows; anything else is unknown. */
function unknownCommand(argv: readonly string[], io: CliIo): number {
  const group = commandsUnder(argv.slice(0, 2)).length > 0 ? argv.slice(0, 2) : argv.slice(0, 1);
  const matching = commandsUnder(group);
  const rest = argv.slice(group.length);
  if (matching.length > 0 && (rest.includes('--help') || rest.includes('-h'))) {
    io.stdout(commandUsageText(matching));
    return 0;
  }
  if (matching.length > 0 && rest.length === 0) {
    io.stderr(
      `hilal: "hilal ${group.join(' ')}" needs a subcommand\n${commandUsageText(matching)}`,
    );
    return 2;
  }
  const words = matching.length > 0 ? argv.slice(0, group.length + 1) : group.slice(0, 1);
  // Echoed only when it looks like a command word: it could be a pasted secret.
  const shown = words.every((word) => /^[a-z][a-z-]{0,30}$/.test(word))
    ? ` "${words.join(' ')}"`
    : '';
  io.stderr(`hilal: unknown command${shown}. Run "hilal --help" for the list.\n`);
  return 2;
}

function commandsUnder(prefix: readonly string[]): CliCommand[] {
  return COMMANDS.filter((command) => prefix.every((word, i) => command.words[i] === word));
}

function startsWith(argv: readonly string[], words: readonly string[]): boolean {
  return words.every((word, i) => argv[i] === word);
}

function redact(message: string, env: NodeJS.ProcessEnv): string {
  let text = message;
  for (const variable of SENSITIVE_VARIABLES) {
    const value = env[variable]?.trim();
    if (value !== undefined && value.length >= 4) text = text.split(value).join('[redacted]');
  }
  return text;
}
