import type { Config } from '../config.js';
import type { ArgsSpec, ParsedArgs } from './args.js';

/** Where a command reads and writes; the process's streams, or a test's buffers. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /**
   * Reads a password or secret that is not in the environment: standard input to its end, or,
   * on a terminal, one line typed without echo after `prompt`.
   */
  readonly readInput?: (prompt: string) => Promise<string>;
  /** The clock, in epoch milliseconds. */
  readonly now?: () => number;
}

export interface CliContext {
  readonly config: Config;
  /** The environment, for the command-line-only inputs `HILAL_PASSWORD` and `HILAL_SECRET`. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly io: CliIo;
  readonly readInput: (prompt: string) => Promise<string>;
  readonly now: () => number;
}

/**
 * What a command prints on success: an object becomes one line of JSON, a string is printed as
 * it is (`token`), and `undefined` prints nothing (`serve`).
 */
export type CommandOutput = object | string | undefined;

/**
 * One command of docs/contract.md §9, described as data: `main` dispatches, parses and prints help from it.
 * A command imports the data layer inside `run`, so that `--help`, usage errors and `token`
 * answer without loading the database drivers (about a third of a second).
 */
export interface CliCommand extends ArgsSpec {
  /** The words that name it, e.g. `['bot', 'secret', 'regenerate']`. */
  readonly words: readonly string[];
  /** Its synopsis after `hilal`, e.g. `bot secret regenerate BOT`. */
  readonly usage: string;
  /** What it does and prints, one or more lines. */
  readonly description: string;
  run(args: ParsedArgs, context: CliContext): Promise<CommandOutput>;
}
