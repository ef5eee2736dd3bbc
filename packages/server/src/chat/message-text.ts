import { HilalError } from '../errors.js';

/** The longest message a visitor or an agent may send, in Unicode code points. */
export const MAX_MESSAGE_LENGTH = 4000;

/**
 * A message's text as it is stored: trimmed; 400 `invalid_request` when nothing is left, 413
 * `message_too_long` past the limit. (U+0000 never gets this far: see `http/reject-nul.ts`.)
 */
export function readMessageText(raw: string): string {
  const text = raw.trim();
  if (text === '') throw new HilalError('invalid_request');
  if (text.length > MAX_MESSAGE_LENGTH && [...text].length > MAX_MESSAGE_LENGTH) {
    throw new HilalError('message_too_long');
  }
  return text;
}
