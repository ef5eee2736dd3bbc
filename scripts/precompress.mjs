// Writes `<file>.br` and `<file>.gz` beside each text file a build produced, at the highest
// quality node:zlib has: the server sends them as they are, by `Accept-Encoding`, and never
// compresses at request time (packages/server/src/http/static-file.ts).
//
//   node scripts/precompress.mjs <file or folder>…   (folders: every compressible file inside)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** Types worth compressing; images and fonts are compressed already. */
const COMPRESSIBLE = new Set(['.js', '.mjs', '.css', '.html', '.svg', '.json', '.txt', '.map']);

/** Compresses one file; returns the sizes, to print. */
export function precompress(file) {
  const body = fs.readFileSync(file);
  const br = brotliCompressSync(body, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
  const gz = gzipSync(body, { level: constants.Z_BEST_COMPRESSION, memLevel: 9 });
  fs.writeFileSync(`${file}.br`, br);
  fs.writeFileSync(`${file}.gz`, gz);
  return { identity: body.length, br: br.length, gzip: gz.length };
}

/** Every compressible file under `dir` (its own `.br`/`.gz` and the build manifest aside). */
function compressibleFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name.startsWith('.') ? [] : compressibleFiles(full);
    return COMPRESSIBLE.has(path.extname(entry.name)) ? [full] : [];
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const target of process.argv.slice(2)) {
    const files = fs.statSync(target).isDirectory() ? compressibleFiles(target) : [target];
    const total = { identity: 0, br: 0, gzip: 0 };
    for (const file of files) {
      const sizes = precompress(file);
      for (const key of Object.keys(total)) total[key] += sizes[key];
    }
    console.log(
      `precompressed ${files.length} file(s) in ${target}: ${total.identity} B, ` +
        `br ${total.br} B, gzip ${total.gzip} B`,
    );
  }
}
