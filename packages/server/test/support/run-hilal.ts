import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** packages/server/bin/hilal.js, seen from the compiled dist/test/support folder. */
export const HILAL_BIN_PATH = fileURLToPath(new URL('../../../bin/hilal.js', import.meta.url));

export interface HilalRun {
  /** The exit code; null when the process was killed for taking too long. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export interface RunOptions {
  /** Written to standard input, which is then closed (so nothing waits for a terminal). */
  readonly input?: string;
  /** Killed after this long, so a hang fails the test instead of stalling it. */
  readonly timeoutMs?: number;
}

/**
 * Runs the real command line, `node bin/hilal.js …`, with exactly `env` as its environment
 * (nothing leaks in from the test runner's own environment).
 */
export function runHilal(
  args: readonly string[],
  env: Record<string, string>,
  options: RunOptions = {},
): Promise<HilalRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HILAL_BIN_PATH, ...args], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
    child.stdin.on('error', () => {}); // the command may exit before reading its input
    child.stdin.end(options.input ?? '');
  });
}

/** Runs a command that must succeed and print one line of JSON; returns that JSON. */
export async function runHilalJson(
  args: readonly string[],
  env: Record<string, string>,
  options: RunOptions = {},
): Promise<Record<string, unknown>> {
  const run = await runHilal(args, env, options);
  if (run.code !== 0) {
    throw new Error(`hilal ${args.join(' ')} exited with ${run.code}: ${run.stderr}`);
  }
  const lines = run.stdout.split('\n').filter((line) => line !== '');
  if (lines.length !== 1) throw new Error(`expected one line of JSON, got: ${run.stdout}`);
  return JSON.parse(lines[0] ?? '') as Record<string, unknown>;
}
