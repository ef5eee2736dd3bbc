import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { openStream } from './support/sse.js';
import { type SeededBot, seedBot, startTestApp, type TestApp } from './support/test-app.js';
import { WidgetClient } from './support/widget-client.js';

/** A local server that speaks OpenAI chat completions; `mode` picks how it answers. */
function startModelServer() {
  const state = {
    mode: 'stream' as 'stream' | 'error',
    requests: [] as Array<{
      auth?: string;
      body: { messages: Array<{ role: string; content: string }> };
    }>,
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      state.requests.push({ auth: req.headers.authorization, body: JSON.parse(body) });
      if (state.mode === 'error') {
        res
          .writeHead(500, { 'content-type': 'application/json' })
          .end('{"error":{"message":"boom"}}');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const piece of ['Model ', 'says ', 'hello.']) {
        const chunk = {
          id: 'c1',
          object: 'chat.completion.chunk',
          choices: [{ index: 0, delta: { content: piece } }],
        };
        res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      }
      res.end('data: [DONE]\n\n');
    });
  });
  return { server, state };
}

describe('replies from an OpenAI-compatible model, configured by HILAL_LLM_*', () => {
  const model = startModelServer();
  let t: TestApp;
  let bot: SeededBot;
  let baseUrl: string;

  before(async () => {
    await new Promise<void>((resolve) => model.server.listen(0, '127.0.0.1', resolve));
    const port = (model.server.address() as AddressInfo).port;
    t = await startTestApp('sqlite', {
      HILAL_LLM_BASE_URL: `http://127.0.0.1:${port}/v1`,
      HILAL_LLM_API_KEY: 'sk-test-key',
      HILAL_LLM_MODEL: 'test-model',
    });
    bot = await seedBot(t.services);
    baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(async () => {
    await t.close();
    model.server.closeAllConnections();
    await new Promise((resolve) => model.server.close(resolve));
  });

  it('streams the model reply to the widget, with the verified identity given to the model as fact', async () => {
    model.state.mode = 'stream';
    const user = new WidgetClient(t.app, bot);
    await user.verify(user.token('llm-user', { name: 'Farah' }));
    const stream = await openStream(baseUrl, user.session ?? '');
    await user.send('what can you do?');
    const final = await stream.waitFor(
      (event) => event.event === 'message' && JSON.parse(event.data).author === 'bot',
    );
    stream.close();
    const deltas = stream.events
      .filter((event) => event.event === 'delta')
      .map((event) => JSON.parse(event.data).text);
    assert.deepEqual(deltas, ['Model ', 'says ', 'hello.']);
    assert.equal(JSON.parse(final.data).text, 'Model says hello.');
    const request = model.state.requests.at(-1);
    assert.equal(request?.auth, 'Bearer sk-test-key');
    const system = request?.body.messages.find((m) => m.role === 'system')?.content ?? '';
    assert.match(system, /verified/i);
    assert.match(system, /Farah/);
  });

  it('falls back to the built-in responder when the model fails', async () => {
    model.state.mode = 'error';
    const user = new WidgetClient(t.app, bot);
    await user.verify(user.token('llm-user-2', { name: 'Yusuf' }));
    const history = await user.sendAndAwaitReply('hello');
    assert.match(history.messages.at(-1)?.text ?? '', /Hi Yusuf/);
  });
});
