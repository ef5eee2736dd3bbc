import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { SeededBot } from './test-app.js';
import { signHs256 } from './tokens.js';

type Identity = 'anonymous' | 'self-reported' | 'verified';

/** One browser's widget, driving the API through `app.inject` as chat_v3.js does. */
export class WidgetClient {
  session: string | undefined;
  belief: Identity = 'anonymous';
  private sent = 0;

  constructor(
    private readonly app: FastifyInstance,
    readonly bot: SeededBot,
  ) {}

  /** A token for `sub`, signed with the bot's secret, valid for `ttlS`. */
  token(sub: string, claims: object = {}, ttlS = 600): string {
    return signHs256(this.bot.secret ?? '', {
      sub,
      exp: Math.floor(Date.now() / 1000) + ttlS,
      ...claims,
    });
  }

  async startAnonymous(user?: { name?: string; email?: string }) {
    const res = await this.app.inject({
      method: 'POST',
      url: '/api/widget/session',
      headers: this.authorization(),
      payload: { orgId: this.bot.orgId, botId: this.bot.botId, ...(user ? { user } : {}) },
    });
    assert.equal(res.statusCode, 200, res.body);
    this.session = res.json().session;
    this.belief = res.json().identity;
    return res.json() as { session: string; identity: Identity };
  }

  async verify(token: string) {
    const res = await this.app.inject({
      method: 'POST',
      url: '/api/widget/verify-jwt',
      headers: this.authorization(),
      payload: { orgId: this.bot.orgId, botId: this.bot.botId, token },
    });
    if (res.statusCode === 200) {
      this.session = res.json().session;
      this.belief = 'verified';
    }
    return res;
  }

  history() {
    return this.app.inject({
      method: 'GET',
      url: '/api/chat/history',
      headers: this.chatHeaders(),
    });
  }

  send(text: string, clientMessageId = `c${++this.sent}-${Math.random().toString(36).slice(2)}`) {
    return this.app.inject({
      method: 'POST',
      url: '/api/chat/messages',
      headers: this.chatHeaders(),
      payload: { clientMessageId, text },
    });
  }

  /** Sends and waits until the bot's reply is stored; returns the history after it. */
  async sendAndAwaitReply(text: string) {
    const res = await this.send(text);
    assert.equal(res.statusCode, 200, res.body);
    await this.app.replies.drain();
    return (await this.history()).json() as {
      identity: Identity;
      messages: Array<{ author: string; text: string; identitySource: Identity }>;
    };
  }

  chatHeaders(): Record<string, string> {
    return { ...this.authorization(), 'x-hilal-identity-source': this.belief };
  }

  private authorization(): Record<string, string> {
    return this.session ? { authorization: `Bearer ${this.session}` } : {};
  }
}
