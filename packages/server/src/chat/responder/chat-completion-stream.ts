/** Why a chat-completions response could not be read; a code only, never the response text. */
export class ChatCompletionStreamError extends Error {
  override name = 'ChatCompletionStreamError';
  constructor(readonly reason: 'malformed_stream' | 'stream_error') {
    super(
      reason === 'stream_error'
        ? 'the endpoint reported an error in the stream'
        : 'not a chat-completions stream',
    );
  }
}

// A line longer than this is not a chat-completion chunk; stop rather than buffer without bound.
const MAX_LINE_CHARS = 1 << 20;

/**
 * Reads an OpenAI chat-completions stream (server-sent events: `data: {chunk}` lines, events
 * separated by blank lines, ending with `data: [DONE]`), calling `onContent` with each piece of
 * `choices[0].delta.content` as it arrives. A stream that ends without `[DONE]` is accepted only
 * if a chunk carried a `finish_reason`; otherwise the answer may be cut off, and it throws.
 *
 * @example
 * await readChatCompletionStream(response.body, (piece) => sink.delta(piece));
 */
export async function readChatCompletionStream(
  body: ReadableStream<Uint8Array>,
  onContent: (piece: string) => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  let finished = false;

  // Returns true at `[DONE]`.
  const dispatch = (): boolean => {
    if (data.length === 0) return false;
    const payload = data.join('\n');
    data = [];
    if (payload === '[DONE]') return true;
    const chunk = parseChunk(payload);
    if (chunk.content !== '') onContent(chunk.content);
    finished ||= chunk.finished;
    return false;
  };

  // SSE: a line is `field: value` (one optional space after the colon), `:comment`, or blank.
  const line = (text: string): boolean => {
    if (text === '') return dispatch();
    if (text.startsWith('data:')) data.push(text.slice(text.startsWith('data: ') ? 6 : 5));
    return false;
  };

  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      let end = buffer.indexOf('\n');
      while (end !== -1) {
        if (line(buffer.slice(0, end).replace(/\r$/, ''))) return;
        buffer = buffer.slice(end + 1);
        end = buffer.indexOf('\n');
      }
      if (buffer.length > MAX_LINE_CHARS) throw new ChatCompletionStreamError('malformed_stream');
      if (done) {
        if (buffer !== '' && line(buffer.replace(/\r$/, ''))) return;
        if (dispatch() || finished) return;
        throw new ChatCompletionStreamError('malformed_stream');
      }
    }
  } finally {
    // Stops the transfer when we return early (at [DONE] or on an error); harmless at the end.
    reader.cancel().catch(() => {});
  }
}

/** The content and end marker of one chunk, narrowed from untrusted JSON. */
function parseChunk(payload: string): { content: string; finished: boolean } {
  let chunk: unknown;
  try {
    chunk = JSON.parse(payload);
  } catch {
    throw new ChatCompletionStreamError('malformed_stream');
  }
  if (!isRecord(chunk)) throw new ChatCompletionStreamError('malformed_stream');
  if (chunk.error !== undefined) throw new ChatCompletionStreamError('stream_error');
  const choices = chunk.choices;
  if (!Array.isArray(choices)) throw new ChatCompletionStreamError('malformed_stream');
  const choice: unknown = choices[0];
  if (choice === undefined) return { content: '', finished: false }; // e.g. a usage-only chunk
  if (!isRecord(choice)) throw new ChatCompletionStreamError('malformed_stream');
  const delta = choice.delta;
  const content = isRecord(delta) && typeof delta.content === 'string' ? delta.content : '';
  return { content, finished: typeof choice.finish_reason === 'string' };
}

/** The content of a non-streamed answer, for endpoints that ignore `stream: true`. */
export function parseCompletion(payload: unknown): string {
  const choice: unknown = isRecord(payload) && Array.isArray(payload.choices) && payload.choices[0];
  const message = isRecord(choice) ? choice.message : undefined;
  if (!isRecord(message) || typeof message.content !== 'string') {
    throw new ChatCompletionStreamError('malformed_stream');
  }
  return message.content;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
