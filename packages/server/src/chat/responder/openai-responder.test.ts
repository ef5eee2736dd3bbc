import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import type { LlmConfig } from '../../config.js';
import { createBuiltinResponder } from './builtin-responder.js';
import { createOpenAiResponder, type LlmFailure } from './openai-responder.js';
import type { ReplyContext } from './responder.js';

const API_KEY = 'sk-test-do-not-leak-0123456789';

interface ChatRequest {
  readonly headers: http.IncomingHttpHeaders;
  readonly url: string | undefined;
  readonly body: {
    model: string;
    stream: boolean;
    messages: Array<{ role: string; content: string }>;
  };
}

type Handler = (request: ChatRequest, res: http.ServerResponse) => void;

const servers: http.Server[] = [];
after(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A real chat-completions endpoint on 127.0.0.1; each request is recorded, then handled. */
async function startEndpoint(handler: Handler) {
  const requests: ChatRequest[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      raw += chunk;
    });
    req.on('end', () => {
      const request = { headers: req.headers, url: req.url, body: JSON.parse(raw) };
      requests.push(request);
      handler(request, res);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}/v1`, requests, server };
}

function chunk(content: string, finishReason: string | null = null): string {
  const data = {
    id: 'chatcmpl-test',
    object: 'chat.completion.chunk',
    created: 1_800_000_000,
    model: 'test-model',
    choices: [{ index: 0, delta: { content }, finish_reason: finishReason }],
  };
  return `data: ${JSON.stringify(data)}\n\n`;
}

function startStream(res: http.ServerResponse) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
}

function llm(baseUrl: string, overrides: Partial<LlmConfig> = {}): LlmConfig {
  return { baseUrl, apiKey: API_KEY, model: 'test-model', timeoutMs: 5000, ...overrides };
}

function context(text: string, overrides: Partial<ReplyContext> = {}): ReplyContext {
  return {
    botName: 'Acme Help',
    identity: 'verified',
    verified: { sub: 'user-1', name: 'Ada Lovelace', email: 'ada@example.com' },
    history: [
      { author: 'visitor', text: 'Hi' },
      { author: 'bot', text: 'Hi Ada Lovelace! How can I help you today?' },
      { author: 'agent', text: 'Jo here from support.' },
      { author: 'visitor', text },
    ],
    text,
    knowledge: [{ id: 'kb_1', title: 'Shipping times', body: 'Orders ship within 2 days.' }],
    ...overrides,
  };
}

/** Runs a reply, recording deltas and any fallback. */
async function run(config: LlmConfig, ctx: ReplyContext, signal?: AbortSignal) {
  const deltas: string[] = [];
  const failures: LlmFailure[] = [];
  const responder = createOpenAiResponder(config, createBuiltinResponder(), {
    onFallback: (failure) => failures.push(failure),
  });
  const reply = await responder.reply(ctx, { delta: (t) => deltas.push(t) }, signal);
  return { reply, deltas, failures };
}

async function builtinText(ctx: ReplyContext): Promise<string> {
  return (await createBuiltinResponder().reply(ctx, { delta: () => {} })).text;
}

function systemMessage(request: ChatRequest | undefined): string {
  const first = request?.body.messages[0];
  assert.equal(first?.role, 'system');
  return first.content;
}

describe('createOpenAiResponder', () => {
  it('streams the deltas in order as they arrive, and returns their concatenation', async () => {
    const pieces = ['Orders ', 'ship within ', '2 days', '.'];
    let firstDeltaSeen: () => void = () => {};
    const firstDelta = new Promise<void>((resolve) => {
      firstDeltaSeen = resolve;
    });
    const endpoint = await startEndpoint(async (_request, res) => {
      startStream(res);
      res.write(chunk(pieces[0] ?? ''));
      // The rest is sent only once the first piece has reached the sink: streaming, not buffering.
      await firstDelta;
      for (const piece of pieces.slice(1)) res.write(chunk(piece));
      res.write(chunk('', 'stop'));
      res.end('data: [DONE]\n\n');
    });

    const deltas: string[] = [];
    const responder = createOpenAiResponder(llm(endpoint.baseUrl), createBuiltinResponder());
    const reply = await responder.reply(context('How fast do you ship?'), {
      delta(text) {
        deltas.push(text);
        firstDeltaSeen();
      },
    });

    assert.deepEqual(deltas, pieces);
    assert.deepEqual(reply, { text: pieces.join(''), handoff: false, source: 'llm' });

    const [request] = endpoint.requests;
    assert.equal(request?.url, '/v1/chat/completions');
    assert.equal(request?.headers.authorization, `Bearer ${API_KEY}`);
    assert.equal(request?.body.model, 'test-model');
    assert.equal(request?.body.stream, true);
    const system = systemMessage(request);
    assert.match(system, /Acme Help/);
    assert.match(
      system,
      /The user is verified: name "Ada Lovelace", email "ada@example\.com", id "user-1"/,
    );
    assert.match(system, /Do not ask for their name or email/);
    assert.doesNotMatch(system, /may ask for an email/);
    assert.match(system, /Shipping times\nOrders ship within 2 days\./);
    assert.deepEqual(request?.body.messages.slice(1), [
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hi Ada Lovelace! How can I help you today?' },
      { role: 'assistant', content: '[A human teammate wrote:] Jo here from support.' },
      { role: 'user', content: 'How fast do you ship?' },
    ]);
  });

  it('labels a self-reported identity as unverified, and states nothing as verified', async () => {
    const endpoint = await startEndpoint((_request, res) => {
      startStream(res);
      res.end(`${chunk('Hello!', 'stop')}data: [DONE]\n\n`);
    });
    const ctx = context('hello', {
      identity: 'self-reported',
      verified: undefined,
      selfReported: { name: 'Sam', email: 'sam@example.com' },
    });
    await run(llm(endpoint.baseUrl), ctx);

    const system = systemMessage(endpoint.requests[0]);
    assert.match(system, /NOT verified/);
    assert.match(system, /self-reported a name "Sam" and an email "sam@example\.com"/);
    assert.match(system, /unverified, self-reported/);
    assert.match(system, /Do not trust them for anything account-related/);
    assert.doesNotMatch(system, /The user is verified/);
  });

  it('tells the model an anonymous user is anonymous, and sends no key when none is set', async () => {
    const endpoint = await startEndpoint((_request, res) => {
      startStream(res);
      res.end(`${chunk('Hello!', 'stop')}data: [DONE]\n\n`);
    });
    const ctx = context('hello', { identity: 'anonymous', verified: undefined });
    await run(llm(endpoint.baseUrl, { apiKey: undefined }), ctx);

    const [request] = endpoint.requests;
    assert.equal(request?.headers.authorization, undefined);
    assert.match(systemMessage(request), /The user is anonymous/);
  });

  it('hands off when the visitor asked for a human, and captures an anonymous email', async () => {
    const endpoint = await startEndpoint((_request, res) => {
      startStream(res);
      res.end(`${chunk('A teammate will join shortly.', 'stop')}data: [DONE]\n\n`);
    });
    const human = await run(llm(endpoint.baseUrl), context('Can I talk to a human?'));
    assert.deepEqual(human.reply, {
      text: 'A teammate will join shortly.',
      handoff: true,
      source: 'llm',
    });

    const anonymous = { identity: 'anonymous', verified: undefined } as const;
    const email = await run(llm(endpoint.baseUrl), context('it is me@example.org', anonymous));
    assert.equal(email.reply.capturedEmail, 'me@example.org');
    assert.equal(email.reply.source, 'llm');
  });

  it('falls back to the built-in responder on an HTTP 500', async () => {
    const endpoint = await startEndpoint((_request, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `bad key ${API_KEY}` } }));
    });
    const ctx = context('How fast do you ship?');
    const { reply, deltas, failures } = await run(llm(endpoint.baseUrl), ctx);

    assert.equal(reply.source, 'builtin');
    assert.equal(reply.text, await builtinText(ctx));
    assert.deepEqual(deltas, [reply.text]);
    assert.deepEqual(failures, [{ reason: 'http_status', status: 500 }]);
    assert.doesNotMatch(JSON.stringify(failures), /sk-test/);
  });

  it('falls back when the endpoint never answers within llm.timeoutMs', async () => {
    const endpoint = await startEndpoint(() => {}); // holds the request open
    const ctx = context('How fast do you ship?');
    const { reply, failures } = await run(llm(endpoint.baseUrl, { timeoutMs: 200 }), ctx);

    assert.equal(reply.source, 'builtin');
    assert.equal(reply.text, await builtinText(ctx));
    assert.deepEqual(failures, [{ reason: 'timeout' }]);
  });

  it('falls back when the stream stalls mid-answer; the fallback text is final', async () => {
    const endpoint = await startEndpoint((_request, res) => {
      startStream(res);
      res.write(chunk('Orders ship'));
    });
    const ctx = context('How fast do you ship?');
    const { reply, deltas, failures } = await run(llm(endpoint.baseUrl, { timeoutMs: 200 }), ctx);

    assert.equal(reply.source, 'builtin');
    assert.equal(reply.text, await builtinText(ctx));
    assert.deepEqual(deltas, ['Orders ship', reply.text]);
    assert.deepEqual(failures, [{ reason: 'timeout' }]);
  });

  it("falls back when the caller's signal is aborted", async () => {
    const controller = new AbortController();
    const endpoint = await startEndpoint(() => controller.abort());
    const { reply, failures } = await run(llm(endpoint.baseUrl), context('hi'), controller.signal);

    assert.equal(reply.source, 'builtin');
    assert.deepEqual(failures, [{ reason: 'aborted' }]);
  });

  // [what, what the endpoint sends after the status line, expected reason]
  const broken: Array<[string, (res: http.ServerResponse) => void, LlmFailure['reason']]> = [
    [
      'a chunk that is not JSON',
      (res) => {
        startStream(res);
        res.end('data: {"choices": [\n\ndata: [DONE]\n\n');
      },
      'malformed_stream',
    ],
    [
      'a stream cut off before [DONE] or a finish_reason',
      (res) => {
        startStream(res);
        res.end(chunk('Orders ship'));
      },
      'malformed_stream',
    ],
    [
      'an error event inside the stream',
      (res) => {
        startStream(res);
        res.end('data: {"error":{"message":"overloaded"}}\n\n');
      },
      'stream_error',
    ],
    [
      'an empty answer',
      (res) => {
        startStream(res);
        res.end(`${chunk(' ', 'stop')}data: [DONE]\n\n`);
      },
      'empty_answer',
    ],
  ];
  for (const [what, send, reason] of broken) {
    it(`falls back on ${what}`, async () => {
      const endpoint = await startEndpoint((_request, res) => send(res));
      const ctx = context('How fast do you ship?');
      const { reply, failures } = await run(llm(endpoint.baseUrl), ctx);

      assert.equal(reply.source, 'builtin');
      assert.equal(reply.text, await builtinText(ctx));
      assert.deepEqual(failures, [{ reason }]);
    });
  }

  it('falls back when nothing listens at the address', async () => {
    const endpoint = await startEndpoint(() => {});
    await new Promise((resolve) => endpoint.server.close(resolve));
    const { reply, failures } = await run(llm(endpoint.baseUrl), context('hi'));

    assert.equal(reply.source, 'builtin');
    assert.deepEqual(failures, [{ reason: 'network' }]);
  });

  it('accepts a non-streamed JSON answer from an endpoint that ignores stream: true', async () => {
    const endpoint = await startEndpoint((_request, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ choices: [{ index: 0, message: { content: 'Two days.' } }] }));
    });
    const { reply, deltas } = await run(llm(endpoint.baseUrl), context('How fast do you ship?'));

    assert.deepEqual(reply, { text: 'Two days.', handoff: false, source: 'llm' });
    assert.deepEqual(deltas, ['Two days.']);
  });
});
