import { ConfigError, loadConfig } from '../config.js';
import { serve } from './serve.js';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** `npx hilal <command>` (SPEC §9). Returns the exit code. */
export async function main(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: CliIo = processIo,
): Promise<number> {
  try {
    const config = loadConfig(env);
    const [command] = argv;
    if (command === 'serve') {
      await serve(config);
      return 0;
    }
    io.stderr(`hilal: unknown command "${command ?? ''}". Commands: serve\n`);
    return 2;
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr(`hilal: configuration error: ${error.message}\n`);
      return 78;
    }
    io.stderr(`hilal: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
