// The practical limit of the chat round trip: the widget's protocol (docs/widget-api.md) on bare
// node:http, in memory, with a bot that echoes. The same requests as Hilal answers: verify-jwt
// for a session, the live stream (Server-Sent Events, session in a header), a message POST
// answered with the stored message; then on the stream the visitor's message, the bot typing,
// its reply and the end of typing. No database, no framework: what is left is the network and
// the work every chat server must do. SECRET in the environment; prints `listening <port>`.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { readBody, sendJson, serveBaseline, verifyHs256 } from './bare-hs256.mjs';

const key = Buffer.from(process.env.SECRET ?? '', 'utf8');
/** session → contact; contact (one per sub) → its open streams and its conversation. */
const sessions = new Map();
const contacts = new Map();
let seq = 0;

function contactOf(sub) {
  let contact = contacts.get(sub);
  if (contact === undefined) {
    contact = { streams: new Set(), conversationId: `cnv_${randomBytes(12).toString('hex')}` };
    contacts.set(sub, contact);
  }
  return contact;
}

function publish(contact, text) {
  for (const stream of contact.streams) stream.write(text);
}

function messageEvent(message) {
  return `id: ${message.seq}\nevent: message\ndata: ${JSON.stringify(message)}\n\n`;
}

function store(contact, author, text, clientMessageId) {
  seq += 1;
  return {
    id: `msg_${randomBytes(12).toString('hex')}`,
    seq,
    conversationId: contact.conversationId,
    clientMessageId,
    author,
    text,
    identitySource: 'verified',
    createdAt: Date.now(),
  };
}

const routes = {
  async 'POST /api/widget/verify-jwt'(req, res) {
    const body = parse(await readBody(req));
    const claims = verifyHs256(body?.token, key);
    if (claims === undefined) return sendJson(res, 401, { verified: false });
    const session = `hws_${randomBytes(32).toString('base64url')}`;
    sessions.set(session, contactOf(claims.sub));
    sendJson(res, 200, {
      verified: true,
      claims: { sub: claims.sub },
      expiresAt: claims.exp,
      session,
    });
  },

  'GET /api/chat/events'(req, res, contact) {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write(': connected\n\n');
    contact.streams.add(res);
    req.once('close', () => contact.streams.delete(res));
  },

  async 'POST /api/chat/messages'(req, res, contact) {
    const body = parse(await readBody(req));
    if (typeof body?.clientMessageId !== 'string' || typeof body.text !== 'string' || !body.text) {
      return sendJson(res, 400, { error: 'invalid_body', message: 'clientMessageId and text' });
    }
    const message = store(contact, 'visitor', body.text, body.clientMessageId);
    sendJson(res, 200, { message, duplicate: false });
    publish(contact, messageEvent(message));
    // The bot answers after the request, as Hilal's reply service does.
    setImmediate(() => {
      publish(contact, 'event: typing\ndata: {"author":"bot","typing":true}\n\n');
      publish(contact, messageEvent(store(contact, 'bot', `You said: ${body.text}`, null)));
      publish(contact, 'event: typing\ndata: {"author":"bot","typing":false}\n\n');
    });
  },
};

function parse(text) {
  try {
    return JSON.parse(text ?? '');
  } catch {
    return undefined;
  }
}

const server = http.createServer((req, res) => {
  const route = routes[`${req.method} ${req.url}`];
  if (route === undefined) return sendJson(res, 404, { error: 'not_found' });
  if (req.url.startsWith('/api/chat/')) {
    const header = req.headers.authorization ?? '';
    const contact = sessions.get(header.startsWith('Bearer ') ? header.slice(7) : '');
    if (contact === undefined) return sendJson(res, 401, { error: 'unauthorized' });
    return route(req, res, contact);
  }
  return route(req, res);
});

serveBaseline(server);
