import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createSseParser,
  readSseEvents,
  type SseEvent,
  SseEventTooLargeError,
} from './sse-parser.js';

const encoder = new TextEncoder();

function parse(chunks: ReadonlyArray<string | Uint8Array>): SseEvent[] {
  const parser = createSseParser();
  return chunks.flatMap((chunk) => parser.feed(chunk));
}

const message = (data: string, id?: string): SseEvent =>
  id === undefined ? { event: 'message', data } : { event: 'message', id, data };

// WHATWG HTML §9.2.6, one row per rule: [what, chunks as they arrive, events dispatched]
const rows: Array<[string, Array<string | Uint8Array>, SseEvent[]]> = [
  ['one event', ['data: hello\n\n'], [message('hello')]],
  ['an event type', ['event: typing\ndata: {}\n\n'], [{ event: 'typing', data: '{}' }]],
  ['an empty event type means message', ['event:\ndata: x\n\n'], [message('x')]],
  ['multi-line data joined with \\n', ['data: a\ndata:\ndata: b\n\n'], [message('a\n\nb')]],
  [
    'only one space after the colon dropped',
    ['data:  two\ndata:none\n\n'],
    [message(' two\nnone')],
  ],
  ['a field with no colon has an empty value', ['data\ndata\n\n'], [message('\n')]],
  ['one empty data line dispatches an empty event', ['data:\n\n'], [message('')]],
  ['a block with no data is not dispatched', ['event: ping\n\n', 'data: x\n\n'], [message('x')]],
  ['comments ignored', [': keep-alive\n\n:x\ndata: y\n\n'], [message('y')]],
  ['unknown fields and retry ignored', ['foo: 1\nretry: 10\nDATA: z\ndata: y\n\n'], [message('y')]],
  ['CRLF line ends', ['data: a\r\ndata: b\r\n\r\n'], [message('a\nb')]],
  ['CR line ends', ['data: a\rdata: b\r\r'], [message('a\nb')]],
  ['mixed line ends', ['data: a\r\n\rdata: b\n\r\n'], [message('a'), message('b')]],
  [
    'a CRLF cut between chunks counts once',
    ['data: a\r', '\n', '\r', '\ndata: b\n\n'],
    [message('a'), message('b')],
  ],
  ['a CR then an LF alone in later chunks', ['data: a\r', '', '\n\n'], [message('a')]],
  ['a line cut across chunks', ['da', 'ta: he', 'llo\n', '\n'], [message('hello')]],
  ['a leading BOM dropped', ['\uFEFFdata: x\n\n'], [message('x')]],
  ['a leading BOM in bytes dropped', [encoder.encode('\uFEFFdata: x\n\n')], [message('x')]],
  ['a BOM alone in the first chunk', ['\uFEFF', 'data: x\n\n'], [message('x')]],
  ['only the first BOM dropped', ['\uFEFF\uFEFFdata: x\n\ndata: y\n\n'], [message('y')]],
  [
    'a character cut between byte chunks',
    [encoder.encode('data: é').slice(0, 7), encoder.encode('é\n\n').slice(1)],
    [message('é')],
  ],
  [
    'an id carries over to later events',
    ['id: 7\ndata: a\n\ndata: b\n\nid\ndata: c\n\n'],
    [message('a', '7'), message('b', '7'), message('c')],
  ],
  ['an id set by a block without data', ['id: 3\n\ndata: a\n\n'], [message('a', '3')]],
  ['an id with NUL ignored', ['id: 1\n\nid: 2\0\ndata: a\n\n'], [message('a', '1')]],
  [
    'an event the stream ends before its blank line is dropped',
    ['data: a\n\ndata: b\n'],
    [message('a')],
  ],
  [
    'the event type resets after each event',
    ['event: e\ndata: a\n\ndata: b\n\n'],
    [{ event: 'e', data: 'a' }, message('b')],
  ],
];

describe('createSseParser (WHATWG event-stream rules)', () => {
  for (const [what, chunks, expected] of rows) {
    it(what, () => assert.deepEqual(parse(chunks), expected));
  }

  it('gives the same events however the bytes are cut', () => {
    const text = '\uFEFFevent: a\r\nid: 1\r\ndata: شكرا\r\ndata: 配送\r\n\r\n: c\rdata: x\r\r';
    const bytes = encoder.encode(text);
    const whole = parse([bytes]);
    assert.equal(whole.length, 2);
    for (let cut = 1; cut < bytes.length; cut++) {
      assert.deepEqual(parse([bytes.slice(0, cut), bytes.slice(cut)]), whole, `cut at ${cut}`);
    }
  });

  it('throws when an event outgrows the limit, unterminated line or data', () => {
    const cases = [
      ['data: ', 'x'.repeat(20)],
      ['data: 123456789\ndata: 123456789\n'],
      [`data: ${'x'.repeat(20)}\n\n`],
    ];
    for (const chunks of cases) {
      const parser = createSseParser({ maxEventChars: 16 });
      assert.throws(() => {
        for (const chunk of chunks) parser.feed(chunk);
      }, new SseEventTooLargeError(16));
    }
  });
});

describe('readSseEvents', () => {
  it('yields events as they arrive and cancels the body when the loop leaves early', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode('data: 1\n\ndata: 2\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    const seen: string[] = [];
    for await (const event of readSseEvents(body)) {
      seen.push(event.data);
      if (event.data === '2') break;
    }
    assert.deepEqual(seen, ['1', '2']);
    assert.ok(cancelled);
  });
});
