import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ErrorBody } from '@hilal/contract';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from '../errors.js';
import { readStaticFile, type StaticFile, sendStaticFile } from '../http/static-file.js';

export interface DashboardOptions {
  /** The built dashboard; by default `@hilal/dashboard/dist` (tests pass a folder of their own). */
  readonly root?: string | undefined;
}

/** Where the built dashboard lives: the @hilal/dashboard workspace package's `dist`. */
export function dashboardDistPath(): string | undefined {
  try {
    return path.dirname(createRequire(import.meta.url).resolve('@hilal/dashboard/dist/index.html'));
  } catch {
    return undefined;
  }
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/**
 * The app's own page may run only its own scripts and styles and talk only to its own origin;
 * no other site may frame it (clickjacking a "Save" or a "Regenerate").
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function readFile(file: string): StaticFile {
  return readStaticFile(file, TYPES[path.extname(file)] ?? 'application/octet-stream');
}

/** The build's precompressed forms (scripts/precompress.mjs): sent for their file, not alone. */
const COMPRESSED_FORM = /\.(?:br|gz)$/;

/**
 * Every file under `dir`, keyed by its path relative to `root` with `/` separators, each with its
 * precompressed forms.
 */
function readTree(root: string, dir: string, into: Map<string, StaticFile>): void {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) readTree(root, full, into);
    else if (entry.isFile() && !COMPRESSED_FORM.test(entry.name))
      into.set(path.relative(root, full).split(path.sep).join('/'), readFile(full));
  }
}

/**
 * The dashboard (docs/contract.md §7) at `/app/`, and `/` redirecting to it. The build is read
 * once at start. Hashed files under `/app/assets/` are cached for a year; every other path
 * under `/app/` is a client route and gets `index.html`, never cached, so that a new release
 * is picked up on the next load. Without a build, `/app/…` answers 503 `unavailable`.
 */
export const dashboardPlugin: FastifyPluginAsync<DashboardOptions> = async (app, options) => {
  const root = options.root ?? dashboardDistPath();
  const indexFile = root === undefined ? undefined : path.join(root, 'index.html');
  const index =
    indexFile !== undefined && fs.existsSync(indexFile) ? readFile(indexFile) : undefined;
  const assets = new Map<string, StaticFile>();
  if (root !== undefined && index !== undefined) readTree(root, path.join(root, 'assets'), assets);
  if (index === undefined) app.log.warn('packages/dashboard/dist is missing: run npm run build');

  app.addHook('onRequest', (_request, reply, done) => {
    reply
      .header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
      .header('X-Frame-Options', 'DENY');
    done();
  });

  function send(request: FastifyRequest, reply: FastifyReply, file: StaticFile, cache: string) {
    reply.header('Cache-Control', cache);
    return sendStaticFile(request, reply, file);
  }

  app.get('/', (_request, reply) => reply.redirect('/app/'));
  app.get('/app', (_request, reply) => reply.redirect('/app/'));
  // The 200 is a file (HTML, JavaScript, CSS, …): only the errors have a JSON shape.
  const schema = { response: { 404: ErrorBody, 503: ErrorBody } };
  app.get<{ Params: { '*': string } }>('/app/*', { schema }, (request, reply) => {
    if (index === undefined) return reply.code(503).send(errorBody('unavailable'));
    const wanted = request.params['*'];
    if (wanted.startsWith('assets/')) {
      const asset = assets.get(wanted);
      if (asset === undefined) return reply.code(404).send(errorBody('not_found'));
      return send(request, reply, asset, 'public, max-age=31536000, immutable');
    }
    return send(request, reply, index, 'no-store');
  });
};
