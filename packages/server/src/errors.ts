/**
 * Every error a client can see, in one table: its stable code, HTTP status and a fixed message.
 * Codes are never reused. Messages are fixed text so that nothing from a request (a token, a
 * secret, a claim) can ever reach a response through an error. The README documents this table.
 */
export const ERROR_CODES = {
  invalid_json: { status: 400, message: 'The request body is not valid JSON.' },
  invalid_request: { status: 400, message: 'The request does not have the expected fields.' },
  invalid_character: {
    status: 400,
    message: 'Text may not contain the NUL character (U+0000).',
  },
  invalid_url: { status: 400, message: 'The request URL is not valid.' },
  url_too_long: { status: 414, message: 'The request URL is too long.' },
  headers_too_large: { status: 431, message: 'The request headers are too large.' },
  request_timeout: { status: 408, message: 'The request took too long to arrive.' },
  unsupported_media_type: { status: 415, message: 'The request body must be application/json.' },
  foreign_origin: { status: 403, message: 'Requests from another site are refused.' },
  too_many_streams: {
    status: 429,
    message: 'Too many live streams are open for this visitor. Close one and retry.',
  },
  unauthorized: { status: 401, message: 'Sign-in or a valid session is required.' },
  https_required: { status: 403, message: 'This server accepts HTTPS requests only.' },
  forbidden: { status: 403, message: 'You may not do this.' },
  invalid_credentials: { status: 401, message: 'Wrong email or password.' },
  no_pending_secret: { status: 409, message: 'There is no regenerated secret to save.' },
  origin_not_allowed: { status: 403, message: 'This origin may not use this chatbot.' },
  not_found: { status: 404, message: 'Not found.' },
  bot_not_found: { status: 404, message: 'No such chatbot in this organization.' },
  conversation_not_found: { status: 404, message: 'No such conversation for this session.' },
  payload_too_large: { status: 413, message: 'The request body is too large.' },
  message_too_long: { status: 413, message: 'The message is too long.' },
  rate_limited: { status: 429, message: 'Too many requests. Retry later.' },
  internal: { status: 500, message: 'Something went wrong on our side.' },
  unavailable: { status: 503, message: 'The service is temporarily unavailable.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** An error meant for the client: it carries a stable code; its status comes from the table. */
export class HilalError extends Error {
  override name = 'HilalError';
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(ERROR_CODES[code].message);
    this.status = ERROR_CODES[code].status;
  }
}

/** The body every error response has. */
export interface ErrorBody {
  error: ErrorCode;
  message: string;
}

export function errorBody(code: ErrorCode): ErrorBody {
  return { error: code, message: ERROR_CODES[code].message };
}
