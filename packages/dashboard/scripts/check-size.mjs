// After `vite build`: prints the dashboard's first-load JavaScript — the entry chunk and every
// chunk it imports statically, gzipped — and fails the build above the budget (STYLE "The
// dashboard"; README "Dashboard"). Lazy-loaded screens do not count: they load later.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_GZIP_BYTES = 150 * 1024;
const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const manifest = JSON.parse(fs.readFileSync(path.join(dist, '.vite', 'manifest.json'), 'utf8'));

const entries = Object.keys(manifest).filter((key) => manifest[key].isEntry);
if (entries.length !== 1) {
  console.error(`check-size: expected one entry in the Vite manifest, found ${entries.length}`);
  process.exit(1);
}

const files = new Set();
const visit = (key) => {
  const chunk = manifest[key];
  if (chunk === undefined || files.has(chunk.file)) return;
  files.add(chunk.file);
  for (const imported of chunk.imports ?? []) visit(imported);
};
visit(entries[0]);

let raw = 0;
let gzipped = 0;
for (const file of files) {
  const code = fs.readFileSync(path.join(dist, file));
  raw += code.length;
  gzipped += gzipSync(code, { level: 9 }).length;
}
const kb = (bytes) => (bytes / 1024).toFixed(1);
console.log(
  `dashboard first-load JavaScript: ${kb(gzipped)} KB gzipped (${kb(raw)} KB minified, ` +
    `${files.size} file${files.size === 1 ? '' : 's'}); budget ${kb(BUDGET_GZIP_BYTES)} KB`,
);
if (gzipped > BUDGET_GZIP_BYTES) {
  console.error(
    `The dashboard is over its first-load budget of ${kb(BUDGET_GZIP_BYTES)} KB gzipped.`,
  );
  process.exit(1);
}
