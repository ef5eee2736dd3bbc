import { CliError } from './cli-error.js';
import type { CliContext } from './command.js';

const MAX_INPUT_BYTES = 64 * 1024;

/**
 * Reads a password or secret from standard input: on a terminal, one line typed without echo;
 * otherwise everything piped in, up to its end.
 */
export async function readProcessInput(prompt: string): Promise<string> {
  const { stdin } = process;
  return stdin.isTTY ? readHiddenLine(stdin, prompt) : readToEnd(stdin);
}

/**
 * The value of `variable` when it is set and not empty, else what the user gives on standard
 * input (with its final line break removed). Empty either way is an error naming both sources.
 */
export async function valueFromEnvOrInput(
  context: CliContext,
  variable: string,
  what: string,
): Promise<string> {
  const fromEnv = context.env[variable];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const typed = (await context.readInput(`${what}: `)).replace(/\r?\n$/, '');
  if (typed === '') throw new CliError(`no ${what}: set ${variable} or pass it on standard input`);
  return typed;
}

async function readToEnd(stream: NodeJS.ReadStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_INPUT_BYTES) throw new CliError('standard input is too long');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function readHiddenLine(stdin: NodeJS.ReadStream, prompt: string): Promise<string> {
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let line = '';
    const finish = (error?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(line);
    };
    const onData = (text: string) => {
      for (const char of text) {
        if (char === '\r' || char === '\n' || char === '\u0004') {
          finish();
          return;
        }
        if (char === '\u0003') {
          finish(new CliError('cancelled'));
          return;
        }
        if (char === '\u007f' || char === '\b') line = [...line].slice(0, -1).join('');
        else if (char >= ' ') line += char;
      }
    };
    stdin.on('data', onData);
  });
}
