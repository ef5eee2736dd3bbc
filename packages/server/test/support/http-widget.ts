import type { SeededBot } from './test-app.js';

/** One anonymous widget talking to a server over HTTP, as chat_v3.js does (a real process). */
export class HttpWidget {
  session: string | undefined;
  private sent = 0;

  constructor(
    public baseUrl: string,
    private readonly bot: SeededBot,
  ) {}

  /** Starts an anonymous session; returns the status (200, or 503 while a dependency is away). */
  async start(): Promise<number> {
    const res = await fetch(`${this.baseUrl}/api/widget/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orgId: this.bot.orgId, botId: this.bot.botId }),
    });
    if (res.status === 200) this.session = ((await res.json()) as { session: string }).session;
    else await res.arrayBuffer();
    return res.status;
  }

  /** A new client message id, as the widget makes one per message (retries reuse it). */
  nextId(): string {
    this.sent += 1;
    return `m${this.sent}-${Math.random().toString(36).slice(2, 10)}`;
  }

  /** Posts a message; the status and the error code, if any. */
  async send(text: string, clientMessageId: string): Promise<{ status: number; error?: string }> {
    const res = await fetch(`${this.baseUrl}/api/chat/messages`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${this.session ?? ''}`,
        'x-hilal-identity-source': 'anonymous',
      },
      body: JSON.stringify({ clientMessageId, text }),
    });
    const body = (await res.json().catch(() => ({}))) as { error?: string };
    return body.error === undefined
      ? { status: res.status }
      : { status: res.status, error: body.error };
  }
}
