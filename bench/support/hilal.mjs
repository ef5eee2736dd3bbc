// The Hilal server under test, as an operator runs it: the built `bin/hilal.js`, as a child
// process of its own (so the load generator never shares its event loop), seeded through the
// command line.
import path from 'node:path';
import { freePort, waitForHttp } from './http.mjs';
import { ROOT, runNode, startNode } from './processes.mjs';

export const HILAL_BIN = path.resolve(
  process.env.BENCH_HILAL_BIN || path.join(ROOT, 'packages/server/bin/hilal.js'),
);
export const HOST = '127.0.0.1';
/** BENCH_PROFILE=1: each server writes a CPU profile here when it stops (open it in Chrome DevTools). */
const PROFILE_DIR = path.join(ROOT, 'bench/profiles');

/** A fixed master key, so several instances on one database read the same secrets. */
const MASTER_KEY = 'be'.repeat(32);

/** The environment of a Hilal process on `database` (see databases.mjs), plus `extra`. */
export function hilalEnv(database, extra = {}) {
  return {
    HILAL_DATA_DIR: database.dataDir,
    DATABASE_URL: database.url,
    HILAL_MASTER_KEY: MASTER_KEY,
    HILAL_DEMO: '0',
    // Request logs cost the server real time; the benchmark measures the server, not pino.
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

/** `hilal …args`, returning its JSON. */
export async function hilalCli(args, env, input = '') {
  const stdout = await runNode([HILAL_BIN, ...args], { env, input });
  return JSON.parse(stdout);
}

/** An organization with one bot that has a secret of its own; with an agent when `agent`. */
export async function seedOrganization(env, name, { agent = false } = {}) {
  const org = await hilalCli(['org', 'create', '--name', name], env);
  const bot = await hilalCli(['bot', 'create', '--org', org.id, '--name', `${name} bot`], env);
  const { secret } = await hilalCli(['bot', 'secret', 'regenerate', bot.id], env);
  const seeded = { orgId: org.id, botId: bot.id, secret };
  if (!agent) return seeded;
  const email = `agent@${org.id}.bench`;
  const password = 'bench agent password';
  await hilalCli(['user', 'create', '--org', org.id, '--email', email, '--role', 'agent'], {
    ...env,
    HILAL_PASSWORD: password,
  });
  return { ...seeded, agent: { email, password } };
}

/**
 * `hilal serve` on a free port; resolves once it serves `chat_v3.js`. `nodeArgs` go to node
 * itself (the memory measure adds `--expose-gc` and its probe).
 */
export async function startHilal(env, { nodeArgs = [], ipc = false, name = 'hilal' } = {}) {
  const port = await freePort();
  const profile =
    process.env.BENCH_PROFILE === '1' ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [];
  const server = startNode(name, [HILAL_BIN, 'serve'], {
    env: { ...env, PORT: String(port), HOST },
    nodeArgs: [...profile, ...nodeArgs],
    ipc,
  });
  const url = `http://${HOST}:${port}`;
  await waitForHttp(`${url}/chat_v3.js`, server);
  return { ...server, url };
}
