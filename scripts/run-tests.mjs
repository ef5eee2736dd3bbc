// Runs every compiled test file with Node's test runner. Node 20's `--test` takes no globs,
// so the files are found here. Extra arguments filter by path substring.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

// bench/ holds only the report's formatting test: the benchmarks themselves never run here.
const roots = [
  'packages/contract/dist',
  'packages/server/dist',
  'packages/widget/dist-test',
  'bench',
];
const filters = process.argv.slice(2);

function find(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return find(full);
    return entry.name.endsWith('.test.js') ? [full] : [];
  });
}

const files = roots
  .flatMap(find)
  .filter((file) => filters.every((f) => file.includes(f)))
  .sort();
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--enable-source-maps', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
