import type { LlmConfig } from '../../config.js';
import {
  ChatCompletionStreamError,
  parseCompletion,
  readChatCompletionStream,
} from './chat-completion-stream.js';
import { capturedFollowUpEmail } from './follow-up-email.js';
import { wantsHuman } from './handoff-intent.js';
import { buildChatMessages } from './llm-prompt.js';
import type { Reply, ReplyContext, ReplySink, Responder } from './responder.js';

/** Why the built-in responder answered instead of the endpoint. */
export type LlmFailureReason =
  | 'network' // no connection, or it broke
  | 'http_status' // a status other than 2xx
  | 'malformed_stream' // not the chat-completions protocol, or cut off before its end
  | 'stream_error' // the endpoint reported an error inside the stream
  | 'timeout' // no complete answer within `llm.timeoutMs`
  | 'aborted' // the caller's signal was aborted
  | 'empty_answer'; // a well-formed answer with no text

/** Safe to log: a reason code and, for `http_status`, the status. Never a key or message text. */
export interface LlmFailure {
  readonly reason: LlmFailureReason;
  readonly status?: number;
}

export interface OpenAiResponderOptions {
  /** The fetch to use (default: the global one). */
  readonly fetch?: typeof fetch;
  /** Told each time the fallback answers instead, e.g. to count or log it. */
  readonly onFallback?: (failure: LlmFailure) => void;
}

class LlmRequestFailed extends Error {
  override name = 'LlmRequestFailed';
  constructor(readonly failure: LlmFailure) {
    super(`LLM request failed: ${failure.reason}`);
  }
}

/**
 * A responder backed by an OpenAI-compatible chat-completions endpoint (docs/contract.md §6), streaming each
 * piece of the answer to the sink as it arrives.
 *
 * `llm.timeoutMs` bounds the whole reply, from the request to the stream's end. On any failure
 * (network, non-2xx status, malformed stream, timeout, the caller's abort, an empty answer)
 * `fallback` answers instead and its reply, with its `source`, is the one returned. If some
 * deltas were already streamed, the fallback still writes its own deltas to the same sink and
 * its text is final: the widget replaces the streamed text with the final message.
 *
 * `handoff` is set when the visitor asked for a human (the built-in responder's detector); an
 * email an anonymous or self-reported visitor typed is returned as `capturedEmail`.
 *
 * @example
 * const responder = config.llm
 *   ? createOpenAiResponder(config.llm, createBuiltinResponder(), { onFallback: (f) => log.warn(f) })
 *   : createBuiltinResponder();
 */
export function createOpenAiResponder(
  llm: LlmConfig,
  fallback: Responder,
  options: OpenAiResponderOptions = {},
): Responder {
  const url = `${llm.baseUrl}/chat/completions`;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'text/event-stream',
  };
  if (llm.apiKey !== undefined) headers.authorization = `Bearer ${llm.apiKey}`;

  async function complete(context: ReplyContext, sink: ReplySink, signal: AbortSignal) {
    const doFetch = options.fetch ?? fetch;
    const body = JSON.stringify({
      model: llm.model,
      stream: true,
      messages: buildChatMessages(context),
    });
    const response = await doFetch(url, { method: 'POST', headers, body, signal });
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      throw new LlmRequestFailed({ reason: 'http_status', status: response.status });
    }
    let text = '';
    const type = response.headers.get('content-type') ?? '';
    if (type.includes('application/json')) {
      text = parseCompletion(await response.json());
      if (text !== '') sink.delta(text);
    } else if (response.body !== null) {
      await readChatCompletionStream(response.body, (piece) => {
        text += piece;
        sink.delta(piece);
      });
    }
    if (text.trim() === '') throw new LlmRequestFailed({ reason: 'empty_answer' });
    return text;
  }

  return {
    async reply(context: ReplyContext, sink: ReplySink, signal?: AbortSignal): Promise<Reply> {
      const timeout = AbortSignal.timeout(llm.timeoutMs);
      const combined = signal === undefined ? timeout : AbortSignal.any([timeout, signal]);
      let text: string;
      try {
        text = await complete(context, sink, combined);
      } catch (error) {
        options.onFallback?.(classify(error, timeout, signal));
        return fallback.reply(context, sink, signal);
      }
      const capturedEmail = capturedFollowUpEmail(context);
      const handoff = wantsHuman(context.text) || capturedEmail !== undefined;
      return capturedEmail === undefined
        ? { text, handoff, source: 'llm' }
        : { text, handoff, capturedEmail, source: 'llm' };
    },
  };
}

function classify(error: unknown, timeout: AbortSignal, signal?: AbortSignal): LlmFailure {
  if (error instanceof LlmRequestFailed) return error.failure;
  if (error instanceof ChatCompletionStreamError) return { reason: error.reason };
  if (timeout.aborted) return { reason: 'timeout' };
  if (signal?.aborted) return { reason: 'aborted' };
  // A JSON body that does not parse is the endpoint's fault, not the network's.
  if (error instanceof SyntaxError) return { reason: 'malformed_stream' };
  return { reason: 'network' };
}
