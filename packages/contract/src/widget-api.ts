// The JSON that chat_v3.js and the server exchange (docs/widget-api.md), described once. The
// server validates and serializes with these schemas; the widget imports only their types
// (`import type`, erased by the bundler) and narrows what arrives, since a proxy may answer
// anything. Response objects are closed (`additionalProperties: false`): fast-json-stringify
// then sends only the listed keys, so a response schema is also the allowlist (STYLE "HTTP and
// data"). Request bodies stay open, so that an older server accepts a newer widget.
import { type Static, type TSchema, Type } from '@sinclair/typebox';

const closed = { additionalProperties: false } as const;

/** A union of the strings in `values`, whose static type keeps each literal. */
function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return Type.Unsafe<T[number]>(Type.Union(values.map((value) => Type.Literal(value))));
}

// ——— Shared parts ———

/** Who the visitor is, as far as the server has decided (docs/contract.md §2). */
export const IdentitySource = Type.Union([
  Type.Literal('anonymous'),
  Type.Literal('self-reported'),
  Type.Literal('verified'),
]);
export type IdentitySource = Static<typeof IdentitySource>;

export const Author = Type.Union([
  Type.Literal('visitor'),
  Type.Literal('bot'),
  Type.Literal('agent'),
]);
export type Author = Static<typeof Author>;

/** Every error: a stable code from the README's "Error codes", and a message for people. */
export const ErrorBody = Type.Object({ error: Type.String(), message: Type.String() }, closed);
export type ErrorBody = Static<typeof ErrorBody>;

/** A stored message (docs/widget-api.md "Message"). */
export const ChatMessage = Type.Object(
  {
    /** `msg_…` */
    id: Type.String(),
    /** Increases per conversation; the live stream's event id. */
    seq: Type.Integer(),
    /** `cnv_…` */
    conversationId: Type.String(),
    /** The id the sending tab chose, for the visitor's own messages. */
    clientMessageId: Type.Union([Type.String(), Type.Null()]),
    author: Author,
    text: Type.String(),
    identitySource: IdentitySource,
    /** Epoch milliseconds. */
    createdAt: Type.Integer(),
  },
  closed,
);
export type ChatMessage = Static<typeof ChatMessage>;

// ——— GET /api/widget/config ———

export const WidgetConfigQuery = Type.Object({ orgId: Type.String(), botId: Type.String() });
export type WidgetConfigQuery = Static<typeof WidgetConfigQuery>;

/** The bot's appearance; defaults in `widget-defaults.ts`. */
export const WidgetConfig = Type.Object(
  {
    botId: Type.String(),
    title: Type.String(),
    /** `#rrggbb` */
    color: Type.String(),
    position: Type.Union([Type.Literal('right'), Type.Literal('left')]),
    /**
     * May hold `{name}` (docs/contract.md §5): the widget fills it with a verified user's name
     * only; for anyone else it is left out. The default welcome of a verified user is
     * `VERIFIED_WELCOME`.
     */
    welcome: Type.String(),
    /**
     * docs/contract.md §5: with `required` only verified users may chat, others get 403
     * `identity_required`. Optional, so that older widgets ignore it.
     */
    identityMode: Type.Optional(Type.Union([Type.Literal('optional'), Type.Literal('required')])),
  },
  closed,
);
export type WidgetConfig = Static<typeof WidgetConfig>;

// ——— POST /api/widget/session ———

/** Self-reported details are shown to agents, never trusted; `null` counts as absent. */
const SelfReported = Type.Union([Type.String({ maxLength: 320 }), Type.Null()]);

export const WidgetSessionBody = Type.Object({
  orgId: Type.String(),
  botId: Type.String(),
  user: Type.Optional(
    Type.Object({ name: Type.Optional(SelfReported), email: Type.Optional(SelfReported) }),
  ),
});
export type WidgetSessionBody = Static<typeof WidgetSessionBody>;

/** With a `user.name` or `user.email` the session is `self-reported`. */
export const WidgetSessionResponse = Type.Object(
  {
    /** `hws_…`, sent as `Authorization: Bearer …`; never in a URL. */
    session: Type.String(),
    identity: Type.Union([Type.Literal('anonymous'), Type.Literal('self-reported')]),
  },
  closed,
);
export type WidgetSessionResponse = Static<typeof WidgetSessionResponse>;

// ——— POST /api/widget/verify-jwt (docs/contract.md §4) ———

/**
 * Every `reason` of a failed verification (docs/contract.md §4). The server's table in
 * `identity/verify-reasons.ts` gives each its status and meaning. Codes are never reused.
 */
export const VERIFY_REASONS = [
  'not_configured',
  'malformed',
  'invalid_signature',
  'expired',
] as const;

/** Every `detail` code; each belongs to one reason, in the server's table and the README. */
export const VERIFY_DETAILS = [
  'no_secret',
  'empty',
  'too_long',
  'segments',
  'base64url',
  'header_json',
  'payload_json',
  'crit',
  'alg_missing',
  'alg_not_allowed',
  'signature_mismatch',
  'sub_missing',
  'sub_invalid',
  'exp_missing',
  'exp_invalid',
  'exp_too_far',
  'nbf_invalid',
  'name_invalid',
  'email_invalid',
  'expired',
  'not_yet_valid',
] as const;

export const VerifyReason = oneOf(VERIFY_REASONS);
export type VerifyReason = Static<typeof VerifyReason>;

export const VerifyDetail = oneOf(VERIFY_DETAILS);
export type VerifyDetail = Static<typeof VerifyDetail>;

export const VerifyJwtBody = Type.Object({
  orgId: Type.String(),
  botId: Type.String(),
  /** The compact JWS; never logged, stored or echoed. */
  token: Type.String(),
  /**
   * Opt-in, the widget's load (README "HTTP API"): the answer, 200 or 401, also carries the
   * bot's `config` and the `history` of the session now in force — the verified one, else
   * `session`. `session`, the credential this browser holds, stands for `Authorization: Bearer`
   * (carried over), so that the request stays CORS-simple. In the body, never in a URL.
   */
  load: Type.Optional(Type.Object({ session: Type.Optional(Type.String()) })),
});
export type VerifyJwtBody = Static<typeof VerifyJwtBody>;

/** 200. `claims` can only ever hold `sub`, `name` and `email` (docs/contract.md §4). */
export const VerifiedResponse = Type.Object(
  {
    verified: Type.Literal(true),
    claims: Type.Object(
      {
        sub: Type.String(),
        name: Type.Optional(Type.String()),
        email: Type.Optional(Type.String()),
      },
      closed,
    ),
    /** The token's `exp`, epoch seconds. */
    expiresAt: Type.Number(),
    session: Type.String(),
  },
  closed,
);
export type VerifiedResponse = Static<typeof VerifiedResponse>;

/** 401. */
export const VerifyFailedResponse = Type.Object(
  { verified: Type.Literal(false), reason: VerifyReason, detail: VerifyDetail },
  closed,
);
export type VerifyFailedResponse = Static<typeof VerifyFailedResponse>;

// ——— GET /api/chat/history, POST /api/chat/messages ———

/** The newest conversation this identity may see, oldest message first. */
export const HistoryResponse = Type.Object(
  {
    identity: IdentitySource,
    /** A verified or self-reported name; display only. */
    name: Type.Union([Type.String(), Type.Null()]),
    conversationId: Type.Union([Type.String(), Type.Null()]),
    messages: Type.Array(ChatMessage),
  },
  closed,
);
export type HistoryResponse = Static<typeof HistoryResponse>;

export const PostMessageBody = Type.Object({
  /** Chosen by the widget; a retry with the same id stores nothing new. */
  clientMessageId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }),
  /** 1–4000 characters once trimmed; the route answers 413 `message_too_long` past that. */
  text: Type.String(),
});
export type PostMessageBody = Static<typeof PostMessageBody>;

export const PostMessageResponse = Type.Object(
  { message: ChatMessage, duplicate: Type.Boolean() },
  closed,
);
export type PostMessageResponse = Static<typeof PostMessageResponse>;

// ——— POST /api/widget/bootstrap: the widget's load in one request ———

/**
 * What the widget needs before it can chat, asked in one CORS-simple request (a `text/plain`
 * JSON body, no custom header, so no preflight; README "HTTP API"). Each part does exactly what
 * its own route does: `token` is verified as by `POST /api/widget/verify-jwt`, `start` starts a
 * session as `POST /api/widget/session` does, and `session`, the credential this browser holds,
 * is what those routes take as `Authorization: Bearer` (carried over), or, alone, the session
 * whose conversation to load. In the body, never in a URL.
 */
export const WidgetBootstrapBody = Type.Object({
  orgId: Type.String(),
  botId: Type.String(),
  token: Type.Optional(Type.String()),
  session: Type.Optional(Type.String()),
  /** Without a token: start a session (`user` makes it self-reported). */
  start: Type.Optional(Type.Boolean()),
  user: WidgetSessionBody.properties.user,
});
export type WidgetBootstrapBody = Static<typeof WidgetBootstrapBody>;

/**
 * 200 (errors as `GET /api/widget/config`, and 429 as verify-jwt): the config; the token's
 * verdict (`verified`, the body verify-jwt would send with its 200 or 401) or the started session
 * (`started`); and `history`, the conversation of the session now in force — the verified or
 * started one, else `session` — when that session is live and may chat.
 */
export const WidgetBootstrapResponse = Type.Object(
  {
    config: WidgetConfig,
    verified: Type.Optional(Type.Union([VerifiedResponse, VerifyFailedResponse])),
    started: Type.Optional(WidgetSessionResponse),
    history: Type.Optional(HistoryResponse),
  },
  closed,
);
export type WidgetBootstrapResponse = Static<typeof WidgetBootstrapResponse>;

/** What `load` adds to verify-jwt's answer: the bootstrap's `config` and `history`, same shapes. */
const LoadParts = { config: Type.Optional(WidgetConfig), history: Type.Optional(HistoryResponse) };

/**
 * verify-jwt's 200 and 401 as schemas: the contract's bodies (`VerifiedResponse`,
 * `VerifyFailedResponse`), and, only when the request asked `load`, `config` (always) and
 * `history` (when the session in force is live and may chat). Without `load` neither is sent.
 */
export const VerifiedLoadResponse = Type.Object(
  { ...VerifiedResponse.properties, ...LoadParts },
  closed,
);
export type VerifiedLoadResponse = Static<typeof VerifiedLoadResponse>;

export const VerifyFailedLoadResponse = Type.Object(
  { ...VerifyFailedResponse.properties, ...LoadParts },
  closed,
);
export type VerifyFailedLoadResponse = Static<typeof VerifyFailedLoadResponse>;

/**
 * `POST /api/chat/events`: the stream of `GET /api/chat/events`, asked without a preflight. The
 * body carries what the GET's headers do: the credential, the widget's belief about its
 * identity (`X-Hilal-Identity-Source`) and where to resume (`Last-Event-ID`).
 */
export const StreamBody = Type.Object({
  session: Type.String(),
  identity: Type.Optional(IdentitySource),
  lastEventId: Type.Optional(Type.String({ maxLength: 20 })),
});
export type StreamBody = Static<typeof StreamBody>;

// ——— GET /api/chat/events: the `data` of each event, by event name ———

export const TypingEvent = Type.Object(
  { author: Type.Union([Type.Literal('bot'), Type.Literal('agent')]), typing: Type.Boolean() },
  closed,
);
export type TypingEvent = Static<typeof TypingEvent>;

/** Streamed text of a bot reply being written; the final text follows as a `message` event. */
export const DeltaEvent = Type.Object({ replyId: Type.String(), text: Type.String() }, closed);
export type DeltaEvent = Static<typeof DeltaEvent>;

/** Sent just before the stream closes because its session stopped being valid (docs/contract.md §10). */
export const SessionEndedEvent = Type.Object(
  {
    reason: Type.Union([
      Type.Literal('logout'),
      Type.Literal('secret_changed'),
      Type.Literal('expired'),
      Type.Literal('max_age'),
    ]),
  },
  closed,
);
export type SessionEndedEvent = Static<typeof SessionEndedEvent>;

/** The schema of each live event's `data`, by its `event:` name. */
export const LIVE_EVENTS = {
  message: ChatMessage,
  typing: TypingEvent,
  delta: DeltaEvent,
  session_ended: SessionEndedEvent,
} as const satisfies Record<string, TSchema>;

export type LiveEventName = keyof typeof LIVE_EVENTS;
export type LiveEvents = { [Name in LiveEventName]: Static<(typeof LIVE_EVENTS)[Name]> };

// ——— window.HilalChat.state() ———

/**
 * What `window.HilalChat.state()` returns: a read-only snapshot for host pages and tests; it never
 * holds a token or a credential.
 */
export interface WidgetState {
  readonly initialized: boolean;
  readonly identity: IdentitySource;
  /** The name the server knows for this session (verified or self-reported), if any. */
  readonly name: string | null;
  readonly open: boolean;
  /** Bot and agent messages that arrived while the panel was closed. */
  readonly unread: number;
  /** Whether the live event stream is connected. */
  readonly connected: boolean;
  readonly messages: number;
}

// ——— window.HilalChat.identity() ———

/**
 * What `window.HilalChat.identity()` returns: who the server says the visitor is, and why the
 * last token failed (README "Failure reasons"); never the token itself.
 */
export interface IdentityReport {
  readonly state: IdentitySource;
  /** The last failed token's `reason` (one of `VERIFY_REASONS`); gone once a token verifies. */
  readonly reason?: string;
  /** The last failed token's `detail` (one of `VERIFY_DETAILS`). */
  readonly detail?: string;
}
