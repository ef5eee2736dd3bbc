import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChatCompletionStreamError, readChatCompletionStream } from './chat-completion-stream.js';

const encoder = new TextEncoder();

function chunk(content: string, finishReason: string | null = null): string {
  return `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: finishReason }] })}\n\n`;
}

/** A body delivered in reads cut at the given byte offsets. */
function body(text: string, cuts: readonly number[] = []): ReadableStream<Uint8Array> {
  const bytes = encoder.encode(text);
  const bounds = [0, ...cuts, bytes.length];
  return new ReadableStream({
    start(controller) {
      for (let i = 1; i < bounds.length; i++) {
        controller.enqueue(bytes.slice(bounds[i - 1], bounds[i]));
      }
      controller.close();
    },
  });
}

async function read(stream: ReadableStream<Uint8Array>): Promise<string[]> {
  const pieces: string[] = [];
  await readChatCompletionStream(stream, (piece) => pieces.push(piece));
  return pieces;
}

describe('readChatCompletionStream', () => {
  it('reads pieces until [DONE], ignoring what follows', async () => {
    const text = `${chunk('Hel')}${chunk('lo')}data: [DONE]\n\n${chunk('ignored')}`;
    assert.deepEqual(await read(body(text)), ['Hel', 'lo']);
  });

  it('reads CRLF lines, comments, a role-only first chunk and a usage chunk', async () => {
    const text = [
      ': keep-alive',
      'data: {"choices":[{"index":0,"delta":{"role":"assistant"}}]}',
      '',
      'data:{"choices":[{"index":0,"delta":{"content":"Hi"}}]}',
      '',
      'data: {"choices":[],"usage":{"total_tokens":3}}',
      '',
      'data: [DONE]',
      '',
      '',
    ].join('\r\n');
    assert.deepEqual(await read(body(text)), ['Hi']);
  });

  it('joins reads cut mid-line and mid-character', async () => {
    const text = `${chunk('شكرا — 配送')}data: [DONE]\n\n`;
    const cuts = Array.from({ length: encoder.encode(text).length - 1 }, (_, i) => i + 1);
    assert.deepEqual(await read(body(text, cuts)), ['شكرا — 配送']);
  });

  it('accepts a stream that ends after a finish_reason without [DONE]', async () => {
    assert.deepEqual(await read(body(`${chunk('Hi')}${chunk('', 'stop')}`)), ['Hi']);
  });

  it('reads CR-only line ends', async () => {
    const text = `${chunk('Hi')}data: [DONE]\n\n`.replaceAll('\n', '\r');
    assert.deepEqual(await read(body(text)), ['Hi']);
  });

  // WHATWG SSE: an event the stream ends before its blank line was never sent whole.
  it('drops an unterminated last event, accepting the stream only after a finish_reason', async () => {
    assert.deepEqual(await read(body(`${chunk('Hi')}${chunk('', 'stop')}data: [DONE]`)), ['Hi']);
    await assert.rejects(read(body(`${chunk('Hi')}${chunk('!').trimEnd()}`)), {
      name: 'ChatCompletionStreamError',
      message: 'not a chat-completions stream',
    });
  });

  const broken: Array<[string, string, string]> = [
    ['cut off', chunk('Hi'), 'malformed_stream'],
    ['not JSON', 'data: nope\n\n', 'malformed_stream'],
    ['not a chunk', 'data: [1,2]\n\n', 'malformed_stream'],
    ['no choices', 'data: {"id":"x"}\n\n', 'malformed_stream'],
    ['an error event', 'data: {"error":{"message":"overloaded"}}\n\n', 'stream_error'],
    ['empty', '', 'malformed_stream'],
    ['an event past 1 MiB', `${chunk('x'.repeat(1 << 20))}data: [DONE]\n\n`, 'malformed_stream'],
  ];
  for (const [what, text, reason] of broken) {
    it(`rejects a stream that is ${what}`, async () => {
      await assert.rejects(read(body(text)), (error) => {
        assert.ok(error instanceof ChatCompletionStreamError);
        assert.equal(error.reason, reason);
        return true;
      });
    });
  }
});
