// Every process a benchmark starts (servers under test, baselines, the command line) goes through
// here, so that a failure, a signal or the overall deadline stops all of them: nothing outlives
// `npm run bench`.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const STOP_GRACE_MS = 3000;

/** @type {Set<import('node:child_process').ChildProcess>} */
const running = new Set();

/**
 * Starts `node …args` with exactly `env` (plus PATH). With `ipc`, the child gets a message
 * channel (the memory probe uses it). Returns the child, its last output, and `stop()`.
 */
export function startNode(name, args, { env = {}, nodeArgs = [], ipc = false } = {}) {
  const child = spawn(process.execPath, [...nodeArgs, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  const collect = (chunk) => {
    output = (output + chunk.toString()).slice(-16_000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  return {
    name,
    child,
    exited,
    output: () => output,
    stop: () => stopChild(child, exited),
  };
}

/** Runs `node …args` to completion; resolves with its stdout, rejects with its stderr. */
export function runNode(args, { env = {}, input = '', timeoutMs = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      if (code === 0) resolve(stdout);
      else reject(new Error(`node ${args.join(' ')} failed (${code ?? signal}): ${stderr.trim()}`));
    });
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

function stopChild(child, exited) {
  if (child.exitCode !== null || child.signalCode !== null) return exited;
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  child.kill('SIGTERM');
  return exited.finally(() => clearTimeout(timer));
}

/** Stops every process still running (SIGTERM, then SIGKILL after a grace period). */
export async function stopAll() {
  await Promise.all(
    [...running].map((child) => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      return stopChild(child, exited);
    }),
  );
}

/** Kills what is left at once: for the watchdog and signals, when there is no time to wait. */
export function killAll() {
  for (const child of running) child.kill('SIGKILL');
}

/** Starts a baseline server script that prints `listening <port>`; resolves with its URL. */
export async function startScript(name, script, { env = {}, nodeArgs = [], ipc = false } = {}) {
  const server = startNode(name, [script], { env, nodeArgs, ipc });
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} did not start:\n${server.output()}`)),
      15_000,
    );
    const look = () => {
      const match = /listening (\d+)/.exec(server.output());
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    server.child.stdout.on('data', look);
    void server.exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before listening:\n${server.output()}`));
    });
  });
  return { ...server, url: `http://127.0.0.1:${port}` };
}
