import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';

const run = promisify(execFile);

export interface PrivatePostgres {
  /** `postgres://root@127.0.0.1:<port>/postgres`, trust authentication. */
  readonly url: string;
  /** Stops the server as an operator would (`pg_ctl stop -m fast`: connections are ended, 57P01). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it if it runs and deletes its files; safe to call twice. */
  remove(): Promise<void>;
}

/**
 * A throwaway PostgreSQL cluster of this test's own, on a free port under /tmp: the fault tests
 * stop and start it, which they must never do to the PostgreSQL every other test shares. As
 * root, the server runs as the `postgres` user (PostgreSQL refuses to run as root).
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  const asRoot = process.getuid?.() === 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hilal-pg-'));
  const data = path.join(dir, 'data');
  if (asRoot) await run('chown', ['postgres:postgres', dir]);
  const pg = (tool: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args], { cwd: dir })
      : run(path.join(bin, tool), args, { cwd: dir });

  await pg('initdb', ['-D', data, '-A', 'trust', '-U', 'root', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  let running = false;
  const start = async () => {
    await pg('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', 'start']);
    running = true;
  };
  const stop = async () => {
    await pg('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
    running = false;
  };
  await start();
  let removed = false;
  return {
    url: `postgres://root@127.0.0.1:${port}/postgres`,
    stop,
    start,
    async remove() {
      if (removed) return;
      removed = true;
      if (running)
        await pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Debian's layout: /usr/lib/postgresql/<major>/bin, the newest major. */
function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const majors = fs
    .readdirSync(root)
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a));
  if (majors[0] === undefined) throw new Error(`no PostgreSQL under ${root}`);
  return path.join(root, majors[0], 'bin');
}
