// (A) The practical limit: POST /api/widget/verify-jwt on bare node:http, no framework, no
// database. The same work Hilal does on the token itself: read the body, JSON.parse, split the
// token, check the header, HMAC-SHA256 in constant time, check exp, answer with claims and a
// random session. Started by verify-jwt.mjs with PORT and SECRET in its environment.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';

const key = Buffer.from(process.env.SECRET ?? '', 'utf8');
const LIMIT = 16 * 1024;

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

function verify(token) {
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
}

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/api/widget/verify-jwt') {
    send(res, 404, { error: 'not_found' });
    return;
  }
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size <= LIMIT) chunks.push(chunk);
  });
  req.on('end', () => {
    if (size > LIMIT) return send(res, 413, { error: 'payload_too_large' });
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(res, 400, { error: 'invalid_json' });
    }
    let claims;
    try {
      claims = verify(body?.token);
    } catch {
      claims = undefined;
    }
    if (claims === undefined) return send(res, 401, { verified: false });
    const out = { sub: claims.sub };
    if (typeof claims.name === 'string') out.name = claims.name;
    if (typeof claims.email === 'string') out.email = claims.email;
    send(res, 200, {
      verified: true,
      claims: out,
      expiresAt: claims.exp,
      session: `hws_${randomBytes(32).toString('base64url')}`,
    });
  });
});

server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
