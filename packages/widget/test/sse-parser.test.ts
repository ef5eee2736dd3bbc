import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type SseEvent, SseParser } from '../src/sse-parser.js';

const parseAll = (...chunks: string[]): SseEvent[] => {
  const parser = new SseParser();
  return chunks.flatMap((chunk) => parser.push(chunk));
};

describe('SseParser', () => {
  test('parses named events with ids and JSON data', () => {
    const events = parseAll('event: message\nid: 7\ndata: {"a":1}\n\nevent: typing\ndata: {}\n\n');
    assert.deepEqual(events, [
      { event: 'message', data: '{"a":1}', id: '7' },
      // The id carries over to later events, as the standard's "last event ID buffer" does.
      { event: 'typing', data: '{}', id: '7' },
    ]);
  });

  test('an event without a name is a `message`; data lines join with newlines', () => {
    assert.deepEqual(parseAll('data: one\ndata:two\ndata\n\n'), [
      { event: 'message', data: 'one\ntwo\n', id: '' },
    ]);
  });

  test('comments (the server pings) and events without data dispatch nothing', () => {
    assert.deepEqual(parseAll(': ping\n\nevent: typing\n\n: ping\n\n'), []);
  });

  test('only the first space after the colon is dropped', () => {
    assert.deepEqual(parseAll('data:  two spaces\n\n')[0]?.data, ' two spaces');
  });

  test('an event is dispatched only at its blank line', () => {
    const parser = new SseParser();
    assert.deepEqual(parser.push('data: x\n'), []);
    assert.deepEqual(parser.push('\n'), [{ event: 'message', data: 'x', id: '' }]);
  });

  test('CRLF, CR and LF line endings, also split between chunks', () => {
    const expected = [
      { event: 'a', data: '1', id: '' },
      { event: 'b', data: '2', id: '' },
    ];
    assert.deepEqual(parseAll('event: a\r\ndata: 1\r\n\r\nevent: b\rdata: 2\r\r'), expected);
    // The CR of a CRLF ends one chunk and its LF opens the next: one line break, not two.
    assert.deepEqual(
      parseAll('event: a\r', '\ndata: 1\r', '\n\r', '\nevent: b\ndata: 2\n\n'),
      expected,
    );
  });

  test('any chunking gives the same events as the whole text', () => {
    const text =
      '\uFEFFevent: message\r\nid: 41\r\ndata: {"text":"héllo ☃"}\r\n\r\n: ping\n\nevent: delta\rdata: {"t":"x"}\r\r';
    const whole = parseAll(text);
    assert.equal(whole.length, 2);
    for (let size = 1; size <= 7; size++) {
      const chunks: string[] = [];
      for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
      assert.deepEqual(parseAll(...chunks), whole, `chunks of ${size}`);
    }
  });

  test('a leading byte order mark is ignored', () => {
    assert.deepEqual(parseAll('\uFEFFdata: x\n\n'), [{ event: 'message', data: 'x', id: '' }]);
  });

  test('an id containing NUL is ignored', () => {
    assert.deepEqual(
      parseAll('id: 1\ndata: a\n\nid: 2\0\ndata: b\n\n').map((e) => e.id),
      ['1', '1'],
    );
  });
});
