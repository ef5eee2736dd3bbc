// One signed-in visitor speaking the widget's protocol (docs/widget-api.md), as chat_v3.js does:
// POST /api/widget/verify-jwt for a session, the live stream GET /api/chat/events with the session
// in a header, and POST /api/chat/messages. The same client drives Hilal and the bare echo
// (bare-sse-echo.mjs), so both sides of a comparison do exactly the same work.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { requestJson } from './http.mjs';
import { signHs256 } from './tokens.mjs';

/** docs/contract.md §10 allows 30 messages a minute per visitor; a visitor stops short of it. */
export const MESSAGES_PER_VISITOR = 25;
/** A reply that has not come by then never will: the run fails instead of hanging. */
const REPLY_TIMEOUT_MS = 20_000;

export class ChatVisitor {
  sent = 0;
  /** Messages received on the stream, per author. */
  received = { visitor: 0, bot: 0, agent: 0 };
  #waiters = new Set();
  #stream;
  #seq = 0;

  /** `bot`: `{ orgId, botId, secret }`; `claims`: `{ sub, name?, email? }`. */
  constructor(baseUrl, bot, claims) {
    this.baseUrl = baseUrl;
    this.bot = bot;
    this.claims = claims;
  }

  /** Verifies a token and opens the live stream; resolves once the stream is connected. */
  async open() {
    const { orgId, botId, secret } = this.bot;
    const token = signHs256(this.claims, secret);
    const verified = await requestJson(`${this.baseUrl}/api/widget/verify-jwt`, {
      method: 'POST',
      body: JSON.stringify({ orgId, botId, token }),
    });
    this.session = verified.session;
    await this.#openStream();
    return this;
  }

  /** Whether this visitor may send another message without meeting the per-minute limit. */
  get spent() {
    return this.sent >= MESSAGES_PER_VISITOR;
  }

  /** Posts `text` and resolves with the milliseconds until the bot's reply came on the stream. */
  async roundTrip(text) {
    const replied = this.nextMessage('bot');
    const started = performance.now();
    await this.send(text);
    await replied;
    return performance.now() - started;
  }

  /** Posts `text` as the visitor; resolves with the stored message. */
  async send(text) {
    this.sent += 1;
    this.#seq += 1;
    const { message } = await requestJson(`${this.baseUrl}/api/chat/messages`, {
      method: 'POST',
      headers: this.headers(),
      body: JSON.stringify({ clientMessageId: `c${this.#seq}-${this.claims.sub}`, text }),
    });
    return message;
  }

  /** Resolves when the next message by `author` arrives on the stream (counted from now). */
  nextMessage(author) {
    const target = this.received[author] + 1;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`${this.claims.sub}: no ${author} message within ${REPLY_TIMEOUT_MS} ms`));
      }, REPLY_TIMEOUT_MS);
      const waiter = () => {
        if (this.received[author] < target) return;
        clearTimeout(timer);
        this.#waiters.delete(waiter);
        resolve();
      };
      this.#waiters.add(waiter);
    });
  }

  headers() {
    return {
      authorization: `Bearer ${this.session}`,
      'x-hilal-identity-source': 'verified',
    };
  }

  close() {
    this.#stream?.destroy();
  }

  #openStream() {
    return new Promise((resolve, reject) => {
      // A socket of its own, as a browser's EventSource-like fetch holds one open.
      const req = http.request(`${this.baseUrl}/api/chat/events`, {
        agent: false,
        headers: { ...this.headers(), accept: 'text/event-stream' },
      });
      this.#stream = req;
      req.on('error', (error) => {
        if (!req.destroyed) reject(error);
      });
      req.on('response', (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`GET /api/chat/events: ${res.statusCode}`));
          res.resume();
          return;
        }
        res.setEncoding('utf8');
        let buffer = '';
        let connected = false;
        res.on('data', (chunk) => {
          buffer += chunk;
          let end = buffer.indexOf('\n\n');
          while (end !== -1) {
            this.#onEvent(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
            end = buffer.indexOf('\n\n');
          }
          if (!connected) {
            connected = true;
            resolve();
          }
        });
        res.on('error', () => {});
      });
      req.end();
    });
  }

  /** Counts the messages by author; the rest of the protocol (typing, ids) is read past. */
  #onEvent(block) {
    if (!/(^|\n)event: message\n/.test(block)) return;
    const author = /"author":"(visitor|bot|agent)"/.exec(block)?.[1];
    if (author === undefined) return;
    this.received[author] += 1;
    for (const waiter of this.#waiters) waiter();
  }
}

/**
 * Visitors one after another: each sends at most `MESSAGES_PER_VISITOR` messages, then the next
 * takes over (so no visitor meets the per-minute limit). `claimsOf(i)` names the i-th.
 */
export function visitorSequence(baseUrl, bot, claimsOf) {
  let index = 0;
  let current;
  return {
    async next() {
      if (current === undefined || current.spent) {
        current?.close();
        current = await new ChatVisitor(baseUrl, bot, claimsOf(index)).open();
        index += 1;
      }
      return current;
    },
    get opened() {
      return index;
    },
    close() {
      current?.close();
      current = undefined;
    },
  };
}
