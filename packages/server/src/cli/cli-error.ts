/**
 * A command-line failure, shown to the user as `hilal: <message>`. Messages name flags, ids and
 * variables, never a secret, a password or a token.
 */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    /** 1: the command ran and failed; 2: it was called wrongly (see `UsageError`). */
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** A wrong call: unknown command, unknown or missing flag, a value out of range. Exits with 2. */
export class UsageError extends CliError {
  override name = 'UsageError';
  constructor(message: string) {
    super(message, 2);
  }
}
