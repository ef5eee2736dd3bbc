// `npm run proof`: the production suites (packages/server/test/production: topology, load,
// fuzz, faults) in their long form, HILAL_PROOF=1, one after another so that no suite's
// figures are measured against another's load. Prints each suite's output as it runs, then a
// summary: when, on which commit, every `[figures]` line, and the outcome.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const dir = 'packages/server/dist/test/production';
if (!fs.existsSync(dir)) {
  console.error(`${dir} is missing: run npm run build first (npm run proof does)`);
  process.exit(1);
}
const files = fs
  .readdirSync(dir)
  .filter((name) => name.endsWith('.test.js'))
  .sort()
  .map((name) => path.join(dir, name));

const started = new Date();
const child = spawn(
  process.execPath,
  ['--enable-source-maps', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files],
  { env: { ...process.env, HILAL_PROOF: '1' }, stdio: ['ignore', 'pipe', 'inherit'] },
);
let output = '';
child.stdout.on('data', (chunk) => {
  output += chunk;
  process.stdout.write(chunk);
});
const code = await new Promise((resolve) => child.on('close', resolve));

const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], {
  encoding: 'utf8',
}).stdout.trim();
const figures = output.split('\n').filter((line) => /^\[(figures|fuzz)\]/.test(line));
const outcome = (name) => output.match(new RegExp(`^ℹ ${name} (\\d+)$`, 'm'))?.[1] ?? '?';
console.log(
  [
    '',
    `npm run proof: ${started.toISOString()} → ${new Date().toISOString()}`,
    `commit ${commit || '?'}, node ${process.version}, ${os.cpus().length} CPUs, load average ${os
      .loadavg()
      .map((n) => n.toFixed(1))
      .join(' ')}`,
    `suites: ${files.map((file) => path.basename(file, '.test.js')).join(', ')}`,
    ...figures,
    `tests: ${outcome('pass')} passed, ${outcome('fail')} failed, ${outcome('skipped')} skipped`,
  ].join('\n'),
);
process.exit(code ?? 1);
