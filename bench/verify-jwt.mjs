// `npm run bench:verify`: how fast is POST /api/widget/verify-jwt on the real Hilal server,
// next to (A) the practical limit, bare node:http with no framework and no database, and (B) a
// typical Express 5 + jsonwebtoken implementation. Every server is a child process on
// 127.0.0.1; autocannon drives each in turn, interleaved S, A, B, S, A, B…, and the medians of
// the rounds are compared against the goals. All traffic stays on 127.0.0.1; every child is
// stopped before exit, within a bounded time, whatever happens.
//
// Knobs (environment): BENCH_ROUNDS (default 2), BENCH_DURATION_S (default 9),
// BENCH_WARMUP_S (default 2), BENCH_CONNECTIONS (default 50), BENCH_HILAL_BIN (another build's
// bin/hilal.js, to measure a patch against the same baselines), BENCH_STRICT=1 (exit 3 when a
// goal is missed; by default only a failed request or server makes the exit status non-zero).
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HILAL_BIN = path.resolve(
  process.env.BENCH_HILAL_BIN || path.join(ROOT, 'packages/server/bin/hilal.js'),
);
const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
const HOST = '127.0.0.1';
const ROUTE = '/api/widget/verify-jwt';

const ROUNDS = positive('BENCH_ROUNDS', 2);
const DURATION_S = positive('BENCH_DURATION_S', 9);
const WARMUP_S = positive('BENCH_WARMUP_S', 2);
const CONNECTIONS = positive('BENCH_CONNECTIONS', 50);
const STRICT = process.env.BENCH_STRICT === '1';
const STOP_GRACE_MS = 3000;
// Generous, but finite: seeding, start-up, every run, and shutdown.
const OVERALL_TIMEOUT_MS = (ROUNDS * 3 * (WARMUP_S + DURATION_S + 5) + 90) * 1000;

const GOALS = { vsBare: 0.7, vsExpress: 1.5, p99Ms: 10 };

/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();
const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hilal-bench-'));

const watchdog = setTimeout(() => {
  console.error(`bench: gave up after ${OVERALL_TIMEOUT_MS / 1000} s`);
  for (const child of children) child.kill('SIGKILL');
  cleanupTemp();
  process.exit(2);
}, OVERALL_TIMEOUT_MS);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`bench: ${signal}, stopping`);
    void stopAll().finally(() => {
      cleanupTemp();
      process.exit(130);
    });
  });
}

try {
  await run();
} catch (error) {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await stopAll();
  cleanupTemp();
  clearTimeout(watchdog);
}

async function run() {
  const hilalEnv = {
    PATH: process.env.PATH ?? '',
    HILAL_DATA_DIR: path.join(tempDir, 'data'),
    LOG_LEVEL: 'warn',
  };

  // Seed through the command line, as an operator would.
  const org = await cli(['org', 'create', '--name', 'Bench'], hilalEnv);
  const bot = await cli(['bot', 'create', '--org', org.id, '--name', 'Bench bot'], hilalEnv);
  const { secret } = await cli(['bot', 'secret', 'regenerate', bot.id], hilalEnv);
  const claims = { sub: 'user-42', name: 'Ada Lovelace', email: 'ada@example.com' };
  const token = signHs256(claims, secret, 1800);
  const body = JSON.stringify({ orgId: org.id, botId: bot.id, token });

  const hilalPort = await freePort();
  const targets = [
    {
      key: 'S',
      label: 'Hilal (Fastify, SQLite)',
      port: await startChild(
        'S',
        [HILAL_BIN, 'serve'],
        {
          ...hilalEnv,
          PORT: String(hilalPort),
          HOST,
          HILAL_VERIFY_FAILURES_PER_MIN: '1000000000',
        },
        hilalPort,
      ),
    },
    {
      key: 'A',
      label: 'bare node:http',
      port: await startChild('A', [path.join(BENCH_DIR, 'bare-server.mjs')], {
        PATH: process.env.PATH ?? '',
        SECRET: secret,
      }),
    },
    {
      key: 'B',
      label: 'Express 5 + jsonwebtoken',
      port: await startChild('B', [path.join(BENCH_DIR, 'express-server.mjs')], {
        PATH: process.env.PATH ?? '',
        SECRET: secret,
      }),
    },
  ];

  for (const target of targets) {
    target.url = `http://${HOST}:${target.port}${ROUTE}`;
    await waitUntilVerifies(target.url, body, claims);
    target.runs = [];
  }

  console.log(
    `bench: ${CONNECTIONS} connections, ${WARMUP_S} s warm-up + ${DURATION_S} s per run, ` +
      `${ROUNDS} round(s) interleaved S,A,B; node ${process.version}, ${os.cpus().length} CPU(s), ` +
      `load average ${loadAverage()}`,
  );
  console.log(`bench: S runs ${path.relative(ROOT, HILAL_BIN) || HILAL_BIN}`);
  for (let round = 1; round <= ROUNDS; round += 1) {
    for (const target of targets) {
      await load(target.url, body, WARMUP_S);
      const result = await load(target.url, body, DURATION_S);
      target.runs.push(result);
      console.log(
        `  round ${round} ${target.key}: ${result.rps.toFixed(0)} req/s, ` +
          `p50 ${result.p50} ms, p99 ${result.p99} ms, non-2xx ${result.non2xx}, ` +
          `errors ${result.errors}, timeouts ${result.timeouts}, mismatches ${result.mismatches}`,
      );
    }
  }

  console.log(`bench: load average after the runs ${loadAverage()}`);
  report(targets);
}

function report(targets) {
  const rows = targets.map((target) => ({
    key: target.key,
    label: target.label,
    rps: median(target.runs.map((r) => r.rps)),
    p50: median(target.runs.map((r) => r.p50)),
    p99: median(target.runs.map((r) => r.p99)),
    requests: sum(target.runs.map((r) => r.total)),
    bad: sum(target.runs.map((r) => r.non2xx + r.errors + r.timeouts + r.mismatches)),
  }));
  const [s, a, b] = rows;

  console.log('');
  console.log(`Medians over ${ROUNDS} round(s) (latency resolution 1 ms):`);
  console.log(
    `${'server'.padEnd(32)}${'req/s'.padStart(10)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}` +
      `${'requests'.padStart(11)}${'not OK'.padStart(9)}`,
  );
  for (const row of rows) {
    console.log(
      `${`${row.key}  ${row.label}`.padEnd(32)}${row.rps.toFixed(0).padStart(10)}` +
        `${String(row.p50).padStart(9)}${String(row.p99).padStart(9)}` +
        `${String(row.requests).padStart(11)}${String(row.bad).padStart(9)}`,
    );
  }
  const sOverA = s.rps / a.rps;
  const sOverB = s.rps / b.rps;
  console.log('');
  console.log(`S/A = ${sOverA.toFixed(2)}   S/B = ${sOverB.toFixed(2)}`);
  const goals = [
    [`S ≥ ${GOALS.vsBare}×A`, sOverA >= GOALS.vsBare],
    [`S ≥ ${GOALS.vsExpress}×B`, sOverB >= GOALS.vsExpress],
    [`S p99 < ${GOALS.p99Ms} ms`, s.p99 < GOALS.p99Ms],
    ['every response 200', rows.every((row) => row.bad === 0)],
  ];
  for (const [goal, held] of goals) console.log(`  ${held ? 'PASS' : 'MISS'}  ${goal}`);
  if (rows.some((row) => row.bad > 0)) process.exitCode = 1;
  else if (STRICT && goals.some(([, held]) => !held)) process.exitCode = 3;
}

/** One autocannon run; every response must be a 200 whose body says verified. */
async function load(url, body, duration) {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: CONNECTIONS,
    duration,
    verifyBody: (text) => text.includes('"verified":true'),
  });
  return {
    rps: result.requests.total / result.duration,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    mismatches: result.mismatches,
  };
}

/** Starts a child; resolves with its port: the one given, or the one it prints as `listening N`. */
function startChild(key, args, env, port) {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  const collect = (chunk) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  child.once('exit', (code, signal) => {
    children.delete(child);
    if (code !== 0 && signal !== 'SIGTERM' && signal !== 'SIGKILL') {
      console.error(`bench: server ${key} exited (${code ?? signal}):\n${output}`);
    }
  });
  if (port !== undefined) return Promise.resolve(port);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server ${key} did not start:\n${output}`)),
      15_000,
    );
    child.stdout.on('data', () => {
      const match = /listening (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`server ${key} exited before listening:\n${output}`));
    });
  });
}

/** Polls until the server answers 200 with exactly the expected claims. */
async function waitUntilVerifies(url, body, claims) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      const json = await response.json();
      if (response.status !== 200 || JSON.stringify(json.claims) !== JSON.stringify(claims)) {
        throw new Error(`${url} answered ${response.status} ${JSON.stringify(json)}`);
      }
      return;
    } catch (error) {
      if (error instanceof Error && error.message.includes('answered')) throw error;
      if (Date.now() > deadline) throw new Error(`${url} never answered: ${error}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function stopAll() {
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}

/** Runs the Hilal command line and returns its JSON. */
function cli(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HILAL_BIN, ...args], { cwd: ROOT, env });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.once('exit', (code) => {
      children.delete(child);
      if (code === 0) resolve(JSON.parse(stdout));
      else reject(new Error(`hilal ${args[0]} ${args[1] ?? ''} failed: ${stderr}`));
    });
  });
}

function signHs256(claims, secret, ttlS) {
  const iat = Math.floor(Date.now() / 1000);
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ ...claims, iat, exp: iat + ttlS })}`;
  const signature = createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(input)
    .digest('base64url');
  return `${input}.${signature}`;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function positive(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}

function median(values) {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function loadAverage() {
  return os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
}

function sum(values) {
  return values.reduce((total, value) => total + value, 0);
}

function cleanupTemp() {
  fs.rmSync(tempDir, { recursive: true, force: true });
}
