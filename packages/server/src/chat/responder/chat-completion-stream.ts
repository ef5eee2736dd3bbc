import { readSseEvents, SseEventTooLargeError } from '../../http/sse-parser.js';

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

// An event longer than this is not a chat-completion chunk; stop rather than buffer without bound.
const MAX_EVENT_CHARS = 1 << 20;

/**
 * Reads an OpenAI chat-completions stream (server-sent events: `data: {chunk}` events, ending
 * with `data: [DONE]`), calling `onContent` with each piece of `choices[0].delta.content` as it
 * arrives. A stream that ends without `[DONE]` is accepted only if a chunk carried a
 * `finish_reason`; otherwise the answer may be cut off, and it throws.
 *
 * @example
 * await readChatCompletionStream(response.body, (piece) => sink.delta(piece));
 */
export async function readChatCompletionStream(
  body: ReadableStream<Uint8Array>,
  onContent: (piece: string) => void,
): Promise<void> {
  let finished = false;
  try {
    // Leaving the loop cancels the body, which stops the transfer at [DONE] or on an error.
    for await (const { data } of readSseEvents(body, { maxEventChars: MAX_EVENT_CHARS })) {
      if (data === '[DONE]') return;
      const chunk = parseChunk(data);
      if (chunk.content !== '') onContent(chunk.content);
      finished ||= chunk.finished;
    }
  } catch (error) {
    if (error instanceof SseEventTooLargeError)
      throw new ChatCompletionStreamError('malformed_stream');
    throw error;
  }
  if (!finished) throw new ChatCompletionStreamError('malformed_stream');
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
