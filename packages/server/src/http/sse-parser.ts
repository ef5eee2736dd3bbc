/** One dispatched server-sent event. */
export interface SseEvent {
  /** The `event` field; `message` when the block had none. */
  readonly event: string;
  /**
   * The last event ID as of this event, as `EventSource` reports it in `lastEventId`: an `id`
   * field carries over to later events until another one changes it. Absent while there is none.
   */
  readonly id?: string;
  /** The `data` lines, joined with `\n`. */
  readonly data: string;
}

/** An event (or an unterminated line) grew past the parser's limit; the stream is not trusted. */
export class SseEventTooLargeError extends Error {
  override name = 'SseEventTooLargeError';
  constructor(readonly limit: number) {
    super(`a server-sent event is longer than ${limit} characters`);
  }
}

export interface SseParser {
  /** Takes the next chunk (bytes, decoded as UTF-8 across chunk edges, or text) and returns the events it completes. */
  feed(chunk: Uint8Array | string): SseEvent[];
}

export interface SseParserOptions {
  /** Most characters an event may hold before it is dispatched; past it `feed` throws. */
  readonly maxEventChars?: number;
}

const DEFAULT_MAX_EVENT_CHARS = 1 << 20;

/**
 * An incremental parser for `text/event-stream`, following the WHATWG HTML standard, §9.2.6
 * "Interpreting an event stream" (https://html.spec.whatwg.org/multipage/server-sent-events.html):
 * lines end in CRLF, LF or CR (a CRLF cut between two chunks still counts once); one leading BOM
 * is dropped; `:` lines are comments; one space after a field's colon is dropped; `data` lines are
 * joined with `\n`; a blank line dispatches, unless no data arrived; an event the stream ends
 * before its blank line is never dispatched. `retry` is ignored: no caller reconnects by itself.
 * Anything longer than `maxEventChars` throws, rather than buffering without bound.
 *
 * @example
 * const parser = createSseParser();
 * parser.feed('event: typing\ndata: {"a"'); // []
 * parser.feed(':1}\n\n'); // [{ event: 'typing', data: '{"a":1}' }]
 */
export function createSseParser(options: SseParserOptions = {}): SseParser {
  const maxEventChars = options.maxEventChars ?? DEFAULT_MAX_EVENT_CHARS;
  // The standard decodes the whole stream as UTF-8 and then drops one BOM; the decoder keeps
  // the BOM (ignoreBOM) so that text and byte chunks lose it in the same place, below.
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  const lineBreak = /\r\n?|\n/g;
  let atStart = true;
  let pending = ''; // text after the last line break
  let afterCr = false; // the last line ended in a CR, so an LF starting the next chunk is its end
  let eventType = '';
  let data: string | undefined; // undefined: no data line yet (not the same as one empty line)
  let lastEventId = '';

  function line(text: string, events: SseEvent[]): void {
    if (text === '') {
      if (data !== undefined) {
        const event = eventType === '' ? 'message' : eventType;
        events.push(lastEventId === '' ? { event, data } : { event, id: lastEventId, data });
      }
      eventType = '';
      data = undefined;
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    const raw = colon === -1 ? '' : text.slice(colon + 1);
    const value = raw.startsWith(' ') ? raw.slice(1) : raw;
    if (field === 'event') eventType = value;
    else if (field === 'data') {
      data = data === undefined ? value : `${data}\n${value}`;
      if (data.length > maxEventChars) throw new SseEventTooLargeError(maxEventChars);
    } else if (field === 'id' && !value.includes('\0')) lastEventId = value;
  }

  return {
    feed(chunk) {
      let text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
      if (text === '') return [];
      if (atStart && text.startsWith('\uFEFF')) text = text.slice(1);
      atStart = false;
      if (afterCr && text.startsWith('\n')) text = text.slice(1);
      afterCr = false;

      const events: SseEvent[] = [];
      const scanFrom = pending.length; // `pending` holds no line break, so scanning resumes here
      pending += text;
      lineBreak.lastIndex = scanFrom;
      let lineStart = 0;
      for (let match = lineBreak.exec(pending); match; match = lineBreak.exec(pending)) {
        line(pending.slice(lineStart, match.index), events);
        lineStart = lineBreak.lastIndex;
        // A CR at the very end may be the first half of a CRLF that the next chunk completes.
        afterCr = match[0] === '\r' && lineStart === pending.length;
      }
      pending = pending.slice(lineStart);
      if (pending.length + (data?.length ?? 0) > maxEventChars) {
        throw new SseEventTooLargeError(maxEventChars);
      }
      return events;
    },
  };
}

/**
 * The events of a `text/event-stream` body, as they arrive. Leaving the loop early (a `break`,
 * a `return`, an error) cancels the body, so an endless stream stops transferring.
 *
 * @example
 * for await (const event of readSseEvents(response.body)) {
 *   if (event.data === '[DONE]') break;
 * }
 */
export async function* readSseEvents(
  body: ReadableStream<Uint8Array>,
  options: SseParserOptions = {},
): AsyncGenerator<SseEvent, void, undefined> {
  const reader = body.getReader();
  const parser = createSseParser(options);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield* parser.feed(value);
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}
