// What the bare baselines share: the token check, the same work Hilal does on the token itself
// (split, check the header, HMAC-SHA256 in constant time, check sub and exp), with nothing around
// it; reading and answering JSON; and the process's life as the measures' startScript expects.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The claims of a valid HS256 token signed with `key`, or undefined. */
export function verifyHs256(token, key) {
  try {
    if (typeof token !== 'string' || token.length === 0 || token.length > 8192) return undefined;
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [h, p, s] = parts;
    const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
    if (header?.alg !== 'HS256') return undefined;
    const expected = createHmac('sha256', key).update(`${h}.${p}`).digest();
    const signature = Buffer.from(s, 'base64url');
    if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
      return undefined;
    }
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
    if (typeof claims?.sub !== 'string' || typeof claims.exp !== 'number') return undefined;
    if (claims.exp <= Date.now() / 1000) return undefined;
    return claims;
  } catch {
    return undefined;
  }
}

/** Reads a request body of at most `limit` bytes; resolves with the text, or undefined past it. */
export function readBody(req, limit = 16 * 1024) {
  return new Promise((resolve) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks).toString('utf8')));
  });
}

export function sendJson(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/**
 * Listens on PORT (or any free port), keeping idle connections 65 s, prints `listening <port>` for
 * startScript, and closes on SIGTERM.
 */
export function serveBaseline(server) {
  server.keepAliveTimeout = 65_000;
  server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    process.stdout.write(`listening ${server.address().port}\n`);
  });
  process.on('SIGTERM', () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}
