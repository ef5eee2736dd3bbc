// (B) A typical Express 5 + jsonwebtoken implementation of POST /api/widget/verify-jwt, as found
// in tutorials: express.json(), jwt.verify with the algorithm pinned, 401 on any error.
// Started by verify-jwt.mjs with PORT and SECRET in its environment.
import { randomBytes } from 'node:crypto';
import express from 'express';
import jwt from 'jsonwebtoken';

const secret = process.env.SECRET ?? '';
const app = express();
app.disable('x-powered-by');

app.post('/api/widget/verify-jwt', express.json({ limit: '16kb' }), (req, res) => {
  try {
    const claims = jwt.verify(req.body?.token, secret, { algorithms: ['HS256'] });
    const { sub, name, email, exp } = claims;
    res.set('cache-control', 'no-store').json({
      verified: true,
      claims: { sub, name, email },
      expiresAt: exp,
      session: `hws_${randomBytes(32).toString('base64url')}`,
    });
  } catch {
    res.status(401).json({ verified: false });
  }
});

const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
server.keepAliveTimeout = 65_000;
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
