// A Server-Sent Events parser after the HTML standard's "event stream interpretation". The widget
// reads /api/chat/events with fetch (EventSource cannot send an Authorization header), so it
// parses the stream itself. Input arrives in arbitrary chunks: a line, or a CRLF, may be split.

export interface SseEvent {
  /** `message` when the event had no `event:` field. */
  readonly event: string;
  readonly data: string;
  /** The last event id seen so far on this stream, as the standard defines it. */
  readonly id: string;
}

export class SseParser {
  #buffer = '';
  #event = '';
  #data: string[] = [];
  #id = '';
  #sawData = false;
  #started = false;
  #pendingCr = false;

  /** Feeds a chunk of decoded text; returns the events it completed. */
  push(chunk: string): SseEvent[] {
    let text = chunk;
    if (!this.#started && text.length > 0) {
      this.#started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    // A CR ended the previous chunk: a LF opening this one belongs to the same line break.
    if (this.#pendingCr && text.startsWith('\n')) text = text.slice(1);
    this.#pendingCr = false;
    this.#buffer += text;

    const events: SseEvent[] = [];
    const lineBreak = /\r\n|\r|\n/g;
    let start = 0;
    for (let match = lineBreak.exec(this.#buffer); match; match = lineBreak.exec(this.#buffer)) {
      // A lone CR at the very end may be the first half of a CRLF still on its way.
      if (match[0] === '\r' && match.index === this.#buffer.length - 1) this.#pendingCr = true;
      const event = this.#line(this.#buffer.slice(start, match.index));
      if (event) events.push(event);
      start = match.index + match[0].length;
    }
    this.#buffer = this.#buffer.slice(start);
    return events;
  }

  #line(line: string): SseEvent | undefined {
    if (line === '') return this.#dispatch();
    if (line.startsWith(':')) return undefined; // a comment, e.g. the server's `: ping`
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.#event = value;
    else if (field === 'data') {
      this.#data.push(value);
      this.#sawData = true;
    } else if (field === 'id' && !value.includes('\0')) this.#id = value;
    return undefined;
  }

  #dispatch(): SseEvent | undefined {
    const event: SseEvent | undefined = this.#sawData
      ? { event: this.#event || 'message', data: this.#data.join('\n'), id: this.#id }
      : undefined;
    this.#event = '';
    this.#data = [];
    this.#sawData = false;
    return event;
  }
}
