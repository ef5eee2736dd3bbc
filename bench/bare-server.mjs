// The practical limit of POST /api/widget/verify-jwt: bare node:http, no framework, no database.
// The same work Hilal does on the token itself: read the body, JSON.parse, verify (bare-hs256.mjs),
// answer with the claims and a random session. Started by the verify-jwt measure with SECRET in
// its environment; prints `listening <port>`.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { readBody, sendJson, serveBaseline, verifyHs256 } from './bare-hs256.mjs';

const key = Buffer.from(process.env.SECRET ?? '', 'utf8');

const server = http.createServer(async (req, res) => {
  if (req.method !== 'POST' || req.url !== '/api/widget/verify-jwt') {
    return sendJson(res, 404, { error: 'not_found' });
  }
  const text = await readBody(req);
  if (text === undefined) return sendJson(res, 413, { error: 'payload_too_large' });
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    return sendJson(res, 400, { error: 'invalid_json' });
  }
  const claims = verifyHs256(body?.token, key);
  if (claims === undefined) return sendJson(res, 401, { verified: false });
  const out = { sub: claims.sub };
  if (typeof claims.name === 'string') out.name = claims.name;
  if (typeof claims.email === 'string') out.email = claims.email;
  sendJson(res, 200, {
    verified: true,
    claims: out,
    expiresAt: claims.exp,
    session: `hws_${randomBytes(32).toString('base64url')}`,
  });
});

serveBaseline(server);
