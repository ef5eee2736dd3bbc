// `npm run bench:readme`: copies the header and table of bench/RESULTS.md into the README's
// Performance section, between its two `bench-results` markers, so that the figures the README
// shows are those of the last full `npm run bench`, word for word.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './support/processes.mjs';

const README = path.join(ROOT, 'README.md');
const RESULTS = path.join(ROOT, 'bench/RESULTS.md');
const START = '<!-- bench-results:start (pasted from bench/RESULTS.md by npm run bench:readme) -->';
const END = '<!-- bench-results:end -->';

const results = fs.readFileSync(RESULTS, 'utf8');
// The header's bullets and the table: everything from the first bullet to the end of the table.
const lines = results.split('\n');
const first = lines.findIndex((line) => line.startsWith('- **Date:**'));
const tableEnd = lines.findIndex(
  (line, i) => i > first && line.startsWith('|') && !lines[i + 1]?.startsWith('|'),
);
if (first === -1 || tableEnd === -1) throw new Error('bench/RESULTS.md has no header and table');
const pasted = lines.slice(first, tableEnd + 1).join('\n');

const readme = fs.readFileSync(README, 'utf8');
const start = readme.indexOf(START);
const end = readme.indexOf(END);
if (start === -1 || end < start) throw new Error(`README.md has no ${START} … ${END}`);
fs.writeFileSync(
  README,
  `${readme.slice(0, start + START.length)}\n${pasted}\n${readme.slice(end)}`,
);
console.log('README.md: the Performance table now matches bench/RESULTS.md');
