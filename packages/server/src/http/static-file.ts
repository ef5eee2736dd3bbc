import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { chooseEncoding, type Encoding } from './accept-encoding.js';

/** One form of a file: its bytes as sent, and a strong ETag of exactly those bytes. */
interface Variant {
  readonly body: Buffer;
  readonly etag: string;
}

/** A file read once at start, with the `.br` and `.gz` the build wrote beside it. */
export interface StaticFile {
  readonly type: string;
  readonly variants: ReadonlyMap<Encoding, Variant>;
}

/** Where scripts/precompress.mjs puts each form. */
const SUFFIXES = [
  ['br', '.br'],
  ['gzip', '.gz'],
] as const;

function variant(body: Buffer): Variant {
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

/**
 * Reads `file` and its precompressed forms (scripts/precompress.mjs). A form that is missing, or
 * no smaller than the file itself, is not offered. Each form has its own ETag (RFC 9110 §8.8.3:
 * a strong validator changes with the bytes sent, encoding included).
 */
export function readStaticFile(file: string, type: string): StaticFile {
  const identity = fs.readFileSync(file);
  const variants = new Map<Encoding, Variant>();
  for (const [encoding, suffix] of SUFFIXES) {
    const encoded = fs.existsSync(file + suffix) ? fs.readFileSync(file + suffix) : undefined;
    if (encoded !== undefined && encoded.length < identity.length)
      variants.set(encoding, variant(encoded));
  }
  variants.set('identity', variant(identity));
  return { type, variants };
}

/**
 * Sends the form the request accepts best, with `Vary: Accept-Encoding` (a shared cache must keep
 * the forms apart), and 304 when `If-None-Match` names that form's ETag. The caller sets the
 * caching rules.
 */
export function sendStaticFile(request: FastifyRequest, reply: FastifyReply, file: StaticFile) {
  const encoding = chooseEncoding(request.headers['accept-encoding'], [...file.variants.keys()]);
  const chosen = file.variants.get(encoding) ?? file.variants.get('identity');
  if (chosen === undefined) throw new TypeError('a static file without its identity form');
  const vary = reply.getHeader('Vary');
  reply
    .header('Vary', vary ? `${String(vary)}, Accept-Encoding` : 'Accept-Encoding')
    .header('ETag', chosen.etag)
    .type(file.type);
  if (encoding !== 'identity') reply.header('Content-Encoding', encoding);
  if (matches(request.headers['if-none-match'], chosen.etag)) return reply.code(304).send();
  return reply.send(chosen.body);
}

/** RFC 9110 §13.1.2: `*`, or a list of ETags compared weakly. */
function matches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
