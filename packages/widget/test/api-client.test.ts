// The widget's load as one CORS-simple request (README "HTTP API"): with a token it is
// `POST /api/widget/verify-jwt` with `load` (docs/contract.md §5), without one
// `POST /api/widget/bootstrap`; its answer stands in for the first verify, config and history.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { createApiClient } from '../src/api-client.js';

interface Sent {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

const CONFIG = {
  botId: 'bot_1',
  title: 'Support',
  color: '#123456',
  position: 'left',
  welcome: 'Hello there',
};
const HISTORY = {
  identity: 'anonymous',
  name: null,
  conversationId: 'cnv_1',
  messages: [
    {
      id: 'msg_1',
      seq: 1,
      conversationId: 'cnv_1',
      clientMessageId: 'c1',
      author: 'visitor',
      text: 'kept',
      identitySource: 'anonymous',
      createdAt: 1,
    },
  ],
};

describe('the load', () => {
  const realFetch = globalThis.fetch;
  let sent: Sent[];
  let answer: { status: number; body: unknown };

  beforeEach(() => {
    sent = [];
    globalThis.fetch = async (url, init) => {
      sent.push({
        url: String(url),
        headers: { ...(init?.headers as Record<string, string>) },
        body: JSON.parse(String(init?.body ?? 'null')),
      });
      return new Response(JSON.stringify(answer.body), {
        status: answer.status,
        headers: { 'content-type': 'application/json' },
      });
    };
  });
  afterEach(() => {
    globalThis.fetch = realFetch;
  });

  const client = () =>
    createApiClient({
      serverUrl: 'https://hilal.test',
      orgId: 'org_1',
      botId: 'bot_1',
      belief: () => 'anonymous',
      onIdentity: () => {},
    });

  test('with a token: verify-jwt with load, a simple request, its 401 read as the verdict', async () => {
    answer = {
      status: 401,
      body: {
        verified: false,
        reason: 'expired',
        detail: 'expired',
        config: CONFIG,
        history: HISTORY,
      },
    };
    const api = client();
    api.prefetch({ token: 'a.b.c', session: 'hws_held' });
    assert.deepEqual(await api.verify('a.b.c', 'hws_held'), {
      reason: 'expired',
      detail: 'expired',
    });
    assert.equal((await api.config()).title, 'Support');
    const history = await api.history('hws_held');
    assert.deepEqual(
      history.messages.map((m) => m.text),
      ['kept'],
    );
    assert.equal(sent.length, 1, 'one request answered all three');
    const [request] = sent;
    assert.equal(request?.url, 'https://hilal.test/api/widget/verify-jwt');
    assert.deepEqual(request?.headers, { 'Content-Type': 'text/plain;charset=UTF-8' });
    assert.deepEqual(request?.body, {
      orgId: 'org_1',
      botId: 'bot_1',
      token: 'a.b.c',
      load: { session: 'hws_held' },
    });
  });

  test('with a token: its 200 is the verified session, whose conversation came with it', async () => {
    answer = {
      status: 200,
      body: {
        verified: true,
        claims: { sub: 'u1', name: 'Ada' },
        expiresAt: 2_000_000_000,
        session: 'hws_new',
        config: CONFIG,
        history: { ...HISTORY, identity: 'verified', name: 'Ada' },
      },
    };
    const api = client();
    api.prefetch({ token: 'a.b.c' });
    const grant = await api.verify('a.b.c', null);
    assert.deepEqual(grant, {
      session: 'hws_new',
      identity: 'verified',
      sub: 'u1',
      expiresAt: 2_000_000_000,
      name: 'Ada',
    });
    assert.equal((await api.history('hws_new')).identity, 'verified');
    assert.equal(sent.length, 1);
    assert.deepEqual(sent[0]?.body, { orgId: 'org_1', botId: 'bot_1', token: 'a.b.c', load: {} });
  });

  test('without a token: the bootstrap, as before', async () => {
    answer = {
      status: 200,
      body: { config: CONFIG, started: { session: 'hws_s', identity: 'anonymous' } },
    };
    const api = client();
    api.prefetch({ start: true });
    assert.deepEqual(await api.session(undefined, null), {
      session: 'hws_s',
      identity: 'anonymous',
    });
    assert.equal(sent.length, 1);
    assert.equal(sent[0]?.url, 'https://hilal.test/api/widget/bootstrap');
  });
});
