// `npm run bench [-- <filter>…]`: runs the measures (bench/measures/), prints one report — a
// markdown table of every figure next to its baseline from the same run — and, for a full run,
// writes it to bench/RESULTS.md. A filter runs the measures whose id contains it (a subset's
// report is printed, not written, unless BENCH_WRITE=1).
//
// Knobs: BENCH_ROUNDS (default 5), BENCH_TIMEOUT_S (default 1800, the whole run), BENCH_PROFILE=1
// (each Hilal server writes a CPU profile to bench/profiles/ as it stops), and each
// measure's own (see its file). Servers under test are child processes; all of them, and every
// throwaway database, are gone when this exits, whatever happens.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MEASURES } from './measures/index.mjs';
import { dropAll } from './support/databases.mjs';
import { killAll, ROOT, stopAll } from './support/processes.mjs';
import { formatReport } from './support/report.mjs';
import { knob } from './support/rounds.mjs';

const ROUNDS = knob('BENCH_ROUNDS', 5);
const TIMEOUT_S = knob('BENCH_TIMEOUT_S', 1800);
const RESULTS = path.join(ROOT, 'bench/RESULTS.md');

const filters = process.argv.slice(2);
const selected = MEASURES.filter(
  (measure) => filters.length === 0 || filters.some((filter) => measure.id.includes(filter)),
);
if (selected.length === 0) {
  console.error(
    `bench: no measure matches ${filters.join(', ')}; there are: ${MEASURES.map((m) => m.id).join(', ')}`,
  );
  process.exit(1);
}

const watchdog = setTimeout(() => {
  console.error(`bench: gave up after ${TIMEOUT_S} s`);
  killAll();
  void dropAll().finally(() => process.exit(2));
}, TIMEOUT_S * 1000);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`bench: ${signal}, stopping`);
    killAll();
    void dropAll().finally(() => process.exit(130));
  });
}

const started = Date.now();
const loadBefore = os.loadavg()[0];
// The code measured is the commit checked out at the start.
const revision = commit();
const rows = [];
const sections = [];
const failures = [];
for (const measure of selected) {
  const log = (line) => console.log(`  ${measure.id}: ${line}`);
  console.log(`bench: ${measure.id}`);
  const measureStarted = Date.now();
  try {
    const result = await measure.run({ rounds: ROUNDS, log });
    rows.push(...result.rows);
    sections.push(...(result.sections ?? []));
  } catch (error) {
    console.error(`bench: ${measure.id} failed: ${error instanceof Error ? error.stack : error}`);
    failures.push(
      `${measure.id}: ${error instanceof Error ? error.message.split('\n')[0] : error}`,
    );
  } finally {
    await stopAll();
    await dropAll();
  }
  console.log(`bench: ${measure.id} took ${((Date.now() - measureStarted) / 1000).toFixed(0)} s`);
}
clearTimeout(watchdog);

const report = formatReport({
  meta: {
    date: new Date(started),
    ...revision,
    machine: machine(),
    rounds: ROUNDS,
    durationMs: Date.now() - started,
    loadBefore,
    loadAfter: os.loadavg()[0],
    subset: filters.length > 0 ? selected.map((measure) => measure.id).join(', ') : undefined,
  },
  rows,
  sections:
    failures.length > 0
      ? [...sections, { title: 'Failed', markdown: failures.map((f) => `- ${f}`).join('\n') }]
      : sections,
  methods: selected.map((measure) => measure.method),
});
console.log(`\n${report}`);
if (filters.length === 0 || process.env.BENCH_WRITE === '1') {
  fs.writeFileSync(RESULTS, report);
  console.log(`bench: written to ${path.relative(process.cwd(), RESULTS)}`);
}
if (failures.length > 0) process.exitCode = 1;

function commit() {
  const git = (...args) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  try {
    return {
      commit: `${git('rev-parse', '--short=10', 'HEAD')} (${shorten(git('log', '-1', '--format=%s'), 72)})`,
      dirty: git('status', '--porcelain', '--untracked-files=no') !== '',
    };
  } catch (error) {
    console.error(`bench: no commit to name: ${error instanceof Error ? error.message : error}`);
    return { commit: 'unknown (git did not answer)', dirty: false };
  }
}

function shorten(text, length) {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus.length,
    memoryBytes: os.totalmem(),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
  };
}
