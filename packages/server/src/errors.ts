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
  too_many_inbox_streams: {
    status: 429,
    message: 'Too many live inbox streams are open for this user. Close one and retry.',
  },
  unauthorized: { status: 401, message: 'Sign-in or a valid session is required.' },
  https_required: { status: 403, message: 'This server accepts HTTPS requests only.' },
  forbidden: { status: 403, message: 'You may not do this.' },
  invalid_credentials: { status: 401, message: 'Wrong email or password.' },
  no_pending_secret: { status: 409, message: 'There is no regenerated secret to save.' },
  last_owner: {
    status: 409,
    message:
      'An organization keeps at least one owner: this one can be neither removed nor demoted.',
  },
  conversation_already_open: {
    status: 409,
    message: 'The contact already has another open conversation.',
  },
  email_taken: { status: 409, message: 'An account with this email already exists.' },
  invalid_email: { status: 400, message: 'The email address is not valid.' },
  invalid_password: {
    status: 400,
    message: 'The new password must be 8 to 1024 characters long.',
  },
  invalid_settings: {
    status: 400,
    message: 'Some chatbot settings are not valid; see fields.',
  },
  invalid_knowledge_entry: {
    status: 400,
    message: 'The knowledge entry is not valid; see fields.',
  },
  identity_required: {
    status: 403,
    message: 'This chatbot chats with signed-in users only. Please sign in to chat.',
  },
  origin_not_allowed: { status: 403, message: 'This origin may not use this chatbot.' },
  not_found: { status: 404, message: 'Not found.' },
  bot_not_found: { status: 404, message: 'No such chatbot in this organization.' },
  member_not_found: { status: 404, message: 'No such member in this organization.' },
  knowledge_entry_not_found: { status: 404, message: 'No such knowledge entry for this chatbot.' },
  conversation_not_found: { status: 404, message: 'No such conversation for this session.' },
  payload_too_large: { status: 413, message: 'The request body is too large.' },
  message_too_long: { status: 413, message: 'The message is too long.' },
  rate_limited: { status: 429, message: 'Too many requests. Retry later.' },
  internal: { status: 500, message: 'Something went wrong on our side.' },
  unavailable: { status: 503, message: 'The service is temporarily unavailable.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * What is wrong with one field of a request, for the errors that say "see fields": the field's
 * name (`allowedOrigins[2]` for one item of a list) and a fixed problem code, never its value.
 */
export interface FieldProblem {
  readonly field: string;
  readonly problem: FieldProblemCode;
}

/** The problem codes of `fields` (README "Error codes"). */
export type FieldProblemCode =
  | 'blank'
  | 'too_long'
  | 'too_many'
  | 'invalid_color'
  | 'invalid_origin'
  | 'invalid_value';

/** An error meant for the client: it carries a stable code; its status comes from the table. */
export class HilalError extends Error {
  override name = 'HilalError';
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly headers: Readonly<Record<string, string>> = {},
    /** Per-field problems, sent as `fields` (names and fixed codes only). */
    readonly fields?: readonly FieldProblem[],
  ) {
    super(ERROR_CODES[code].message);
    this.status = ERROR_CODES[code].status;
  }
}

/** The body every error response has; `fields` only on the errors that say "see fields". */
export interface ErrorBody {
  error: ErrorCode;
  message: string;
  fields?: readonly FieldProblem[];
}

export function errorBody(code: ErrorCode, fields?: readonly FieldProblem[]): ErrorBody {
  const body: ErrorBody = { error: code, message: ERROR_CODES[code].message };
  return fields === undefined ? body : { ...body, fields };
}
