// Builds chat_v3.js: type-checks, bundles into one minified IIFE, compiles the tests, and fails
// when the gzipped bundle is over budget (STYLE "The widget": a byte budget checked by the build).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { minify } from 'terser';
import { precompress } from '../../scripts/precompress.mjs';

const BUDGET_GZIP_BYTES = 20 * 1024;
const here = path.dirname(fileURLToPath(import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

function typescript(...args) {
  const result = spawnSync(process.execPath, [tsc, ...args], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// The shapes and defaults shared with the server come from @hilal/contract, resolved through its
// package exports to its build: bring that up to date first (a no-op when it is).
typescript('-b', path.join(here, '..', 'contract'));
// Stale compiled tests must never pass for code that no longer builds.
fs.rmSync(path.join(here, 'dist-test'), { recursive: true, force: true });
typescript('-p', path.join(here, 'tsconfig.json'));

const outfile = path.join(here, 'dist', 'chat_v3.js');
// Long names of the widget's own modules' methods, options and callbacks, which nothing outside
// the bundle sees: shortened like local variables. Listed one by one, never a pattern: a name
// that JSON, the DOM or `window.HilalChat` also uses (`session`, `entries`, `open`…) must keep
// its spelling. The browser tests run against this file.
const INTERNAL_NAMES = [
  'accept',
  'addPending',
  'adopt',
  'announce',
  'applyConfig',
  'baseMs',
  'belief',
  'canRefresh',
  'confirm',
  'connect',
  'decline',
  'delta',
  'element',
  'ended',
  'enqueue',
  'expired',
  'flush',
  'idleTimeoutMs',
  'items',
  'lastSeq',
  'maxAttempts',
  'maxMs',
  'meta',
  'onEnding',
  'onEvent',
  'onFailed',
  'onForget',
  'onIdentity',
  'onRefused',
  'onRetry',
  'onSend',
  'onSent',
  'onSession',
  'onStatus',
  'onToggle',
  'onUnauthorized',
  'plan',
  'prefetch',
  'provider',
  'refresh',
  'render',
  'renewSession',
  'report',
  'restore',
  'retryAfterMs',
  'running',
  'setLocked',
  'setName',
  'setOpen',
  'setProvider',
  'setStatus',
  'setTyping',
  'setWelcome',
  'settle',
  'simple',
  'sleep',
  'storage',
  'tokenAllowed',
  'update',
  'upsert',
];
await build({
  entryPoints: [path.join(here, 'src', 'main.ts')],
  outfile,
  bundle: true,
  minify: true,
  format: 'iife',
  // Browsers of the last few years; private class fields and `??=` need no down-levelling.
  target: ['chrome91', 'firefox90', 'safari15', 'edge91'],
  legalComments: 'none',
  mangleProps: new RegExp(`^(?:${INTERNAL_NAMES.join('|')})$`),
  logLevel: 'warning',
});

// esbuild bundles and minifies fast; terser's compressor, over its output, finds another 3% of
// brotli bytes (inlined single-use functions, merged conditions) that esbuild leaves.
const bundled = fs.readFileSync(outfile, 'utf8');
const squeezed = await minify(bundled, {
  ecma: 2020,
  compress: { passes: 2 },
  mangle: true,
  // ASCII only, as esbuild writes it: a page that loads the file without a charset reads it right.
  format: { comments: false, ascii_only: true },
});
if (squeezed.code === undefined) throw new Error('terser gave no output');
// Nearly every function in the bundle runs while the widget loads. V8 compiles a function lazily
// by default: pre-parsed when the script loads, parsed again and compiled on the page's main
// thread at its first call. This comment (V8's explicit compile hints, Chrome 136 on; other
// engines read a comment) has the whole file compiled eagerly, off the main thread while it
// streams in (bench widget-load: 3 to 7 ms less main-thread time on load).
fs.writeFileSync(outfile, `//# allFunctionsCalledOnLoad\n${squeezed.code}`);

typescript('-p', path.join(here, 'tsconfig.test.json'));

const code = fs.readFileSync(outfile);
const gzipped = gzipSync(code, { level: 9 }).length;
// What the server sends: chat_v3.js.br and chat_v3.js.gz beside it, chosen by Accept-Encoding.
const sent = precompress(outfile);
console.log(
  `chat_v3.js: ${code.length} bytes minified, ${gzipped} bytes gzipped; ` +
    `served as ${sent.br} bytes brotli, ${sent.gzip} bytes gzip`,
);
if (gzipped > BUDGET_GZIP_BYTES) {
  console.error(`chat_v3.js is over its budget of ${BUDGET_GZIP_BYTES} bytes gzipped.`);
  process.exit(1);
}
