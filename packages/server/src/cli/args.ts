import { parseArgs } from 'node:util';
import { UsageError } from './cli-error.js';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
}

export interface ArgsSpec {
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Names of the positional arguments, all required, e.g. `['BOT']`. */
  readonly positionals: readonly string[];
}

export interface ParsedArgs {
  readonly help: boolean;
  /** Option values by name; every value is a non-empty string (booleans are `'true'`). */
  readonly values: ReadonlyMap<string, string>;
  readonly positionals: readonly string[];
}

const HELP: OptionSpec = { type: 'boolean', short: 'h' };

/**
 * Parses a command's arguments with `node:util` `parseArgs` in strict mode. Errors are rewritten
 * into our own words: Node's messages quote the offending argument, which could be a secret or
 * a token pasted in the wrong place, so ours name only the flag.
 *
 * @example
 * parseCommandArgs(['--name', 'Acme'], { options: { name: { type: 'string' } }, positionals: [] }, 'org create')
 * // → { help: false, values: Map { 'name' => 'Acme' }, positionals: [] }
 */
export function parseCommandArgs(
  args: readonly string[],
  spec: ArgsSpec,
  command: string,
): ParsedArgs {
  const options = { ...spec.options, help: HELP };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...args], options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(describeParseError(error, args, command, options));
  }

  const values = new Map<string, string>();
  for (const [name, value] of Object.entries(parsed.values)) {
    if (value === undefined || name === 'help') continue;
    const text = String(value);
    if (text.trim() === '') throw new UsageError(`--${name} must not be empty`);
    values.set(name, text);
  }
  const help = parsed.values.help === true;
  if (help) return { help, values, positionals: parsed.positionals };

  const expected = spec.positionals;
  if (parsed.positionals.length > expected.length) {
    throw new UsageError(
      expected.length === 0
        ? `"hilal ${command}" takes no arguments besides its options`
        : `"hilal ${command}" takes ${expected.join(' ')} and nothing more`,
    );
  }
  const missing = expected[parsed.positionals.length];
  if (missing !== undefined) throw new UsageError(`"hilal ${command}" needs ${missing}`);
  return { help, values, positionals: parsed.positionals };
}

/** The value of a required string option, or a usage error naming it. */
export function requireOption(args: ParsedArgs, name: string): string {
  const value = args.values.get(name);
  if (value === undefined) throw new UsageError(`missing --${name}`);
  return value;
}

function describeParseError(
  error: unknown,
  args: readonly string[],
  command: string,
  options: Readonly<Record<string, OptionSpec>>,
): string {
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  // Parse again leniently to find the offending flag, by name only.
  const { tokens } = parseArgs({ args: [...args], options, strict: false, tokens: true });
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const known = options[token.name];
    const flag = printableFlag(token.rawName);
    if (known === undefined && code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      return `unknown option ${flag} for "hilal ${command}"`;
    }
    if (known?.type === 'string' && (token.value === undefined || token.value.startsWith('-'))) {
      if (!token.inlineValue) return `${flag} needs a value`;
    }
    if (known?.type === 'boolean' && token.value !== undefined) {
      return `${flag} takes no value`;
    }
  }
  return `invalid arguments for "hilal ${command}"`;
}

// A flag is echoed only when it looks like one; anything else might be a pasted secret.
function printableFlag(raw: string): string {
  return /^--?[A-Za-z][A-Za-z0-9-]{0,30}$/.test(raw) ? raw : 'an option';
}

/** A required text option of at most `maxLength` code points, trimmed. */
export function requireText(args: ParsedArgs, name: string, maxLength: number): string {
  const value = requireOption(args, name).trim();
  if ([...value].length > maxLength) {
    throw new UsageError(`--${name} must be at most ${maxLength} characters`);
  }
  return value;
}
