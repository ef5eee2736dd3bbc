// The JSON that the dashboard and the server's admin API exchange (docs/contract.md §7), described
// once, like widget-api.ts. The server validates and serializes with these schemas; the dashboard
// imports only their types (`import type`, erased by the bundler), so its API client is checked
// against what the server sends and cannot drift from it.
import { type Static, Type } from '@sinclair/typebox';
import { ChatMessage, IdentitySource } from './widget-api.js';

const closed = { additionalProperties: false } as const;

/** docs/contract.md §7: owner (everything), admin (chatbots), agent (the inbox). */
export const ADMIN_ROLES = ['owner', 'admin', 'agent'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];
export const AdminRole = Type.Unsafe<AdminRole>(
  Type.Union(ADMIN_ROLES.map((role) => Type.Literal(role))),
);

/** `POST /api/auth/login` */
export const SignInBody = Type.Object({
  email: Type.String({ minLength: 3, maxLength: 320 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
});
export type SignInBody = Static<typeof SignInBody>;

/** The signed-in dashboard user. */
export const AdminUser = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    role: AdminRole,
    organizationId: Type.String(),
  },
  closed,
);
export type AdminUser = Static<typeof AdminUser>;

/** `POST /api/auth/login` and `GET /api/auth/me` */
export const AdminUserResponse = Type.Object({ user: AdminUser }, closed);
export type AdminUserResponse = Static<typeof AdminUserResponse>;

// ——— Errors with per-field detail ———

/** One field's problem: its name (`allowedOrigins[2]` for a list item) and a fixed code. */
export const FIELD_PROBLEMS = [
  'blank',
  'too_long',
  'too_many',
  'invalid_color',
  'invalid_origin',
  'invalid_value',
] as const;
export type FieldProblemCode = (typeof FIELD_PROBLEMS)[number];
export const FieldProblem = Type.Object(
  {
    field: Type.String(),
    problem: Type.Unsafe<FieldProblemCode>(
      Type.Union(FIELD_PROBLEMS.map((problem) => Type.Literal(problem))),
    ),
  },
  closed,
);
export type FieldProblem = Static<typeof FieldProblem>;

/** The admin API's error body: `{ error, message }`, plus `fields` on the "see fields" errors. */
export const AdminErrorBody = Type.Object(
  { error: Type.String(), message: Type.String(), fields: Type.Optional(Type.Array(FieldProblem)) },
  closed,
);
export type AdminErrorBody = Static<typeof AdminErrorBody>;

// ——— Members (docs/contract.md §7 Accounts), owners only ———

/** A member of the organization; never a password or its hash. */
export const Member = Type.Object(
  { id: Type.String(), email: Type.String(), role: AdminRole, createdAt: Type.Integer() },
  closed,
);
export type Member = Static<typeof Member>;

/** `GET /api/admin/members`, oldest first */
export const MembersResponse = Type.Object({ members: Type.Array(Member) }, closed);
export type MembersResponse = Static<typeof MembersResponse>;

/** `POST /api/admin/members`; the email is trimmed and lowercased. */
export const CreateMemberBody = Type.Object(
  { email: Type.String({ minLength: 3, maxLength: 320 }), role: AdminRole },
  closed,
);
export type CreateMemberBody = Static<typeof CreateMemberBody>;

/** The one response that ever holds the new member's first password. */
export const CreateMemberResponse = Type.Object(
  { member: Member, firstPassword: Type.String() },
  closed,
);
export type CreateMemberResponse = Static<typeof CreateMemberResponse>;

/** `PATCH /api/admin/members/:userId` */
export const UpdateMemberBody = Type.Object({ role: AdminRole }, closed);
export type UpdateMemberBody = Static<typeof UpdateMemberBody>;

/** `POST /api/auth/password`, any signed-in role; the new password has 8 to 1024 characters. */
export const ChangePasswordBody = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: 1024 }),
    newPassword: Type.String({ maxLength: 4096 }),
  },
  closed,
);
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;

// ——— Chatbots (docs/contract.md §5, §7 Chatbots), owners and admins ———

/**
 * The limits the server checks, in code points (a 400 `invalid_settings` or
 * `invalid_knowledge_entry` names the field and `too_long`, `blank`, …); the dashboard shows them.
 */
export const CHATBOT_LIMITS = {
  name: 100,
  title: 80,
  welcome: 1000,
  allowedOrigins: 50,
  knowledgeTitle: 200,
  knowledgeBody: 10_000,
} as const;

/** docs/contract.md §5: `required` chats with verified users only. */
export const IDENTITY_MODES = ['optional', 'required'] as const;
export type IdentityMode = (typeof IDENTITY_MODES)[number];

/** `GET /api/admin/bots` */
export const BotSummary = Type.Object({ id: Type.String(), name: Type.String() }, closed);
export type BotSummary = Static<typeof BotSummary>;
export const BotsResponse = Type.Object({ bots: Type.Array(BotSummary) }, closed);
export type BotsResponse = Static<typeof BotsResponse>;

/** `POST /api/admin/bots` */
export const CreateBotBody = Type.Object({ name: Type.String({ maxLength: 4096 }) }, closed);
export type CreateBotBody = Static<typeof CreateBotBody>;

/** A chatbot's settings as stored, defaults filled in. No secret: see `/secret`. */
export const ChatbotSettings = Type.Object(
  {
    /** May hold `{name}`: the widget puts a verified user's name there, and nothing else's. */
    welcome: Type.String(),
    /** Origins that may embed the bot; empty means any. */
    allowedOrigins: Type.Array(Type.String()),
    identityMode: Type.Unsafe<IdentityMode>(
      Type.Union(IDENTITY_MODES.map((mode) => Type.Literal(mode))),
    ),
    /** `#rrggbb` */
    color: Type.String(),
    title: Type.String(),
    position: Type.Union([Type.Literal('right'), Type.Literal('left')]),
  },
  closed,
);
export type ChatbotSettings = Static<typeof ChatbotSettings>;

/** `GET`, `POST` and `PATCH /api/admin/bots/:botId` */
export const ChatbotDetail = Type.Object(
  { id: Type.String(), name: Type.String(), settings: ChatbotSettings },
  closed,
);
export type ChatbotDetail = Static<typeof ChatbotDetail>;

/**
 * `PATCH /api/admin/bots/:botId`: only the fields sent change. Their rules are checked by the
 * server, all at once, and refused with 400 `invalid_settings` and `fields` (so the types here
 * are wide: `identityMode` and `position` are strings until the server has checked them).
 */
export const UpdateBotBody = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 4096 })),
    welcome: Type.Optional(Type.String({ maxLength: 16_384 })),
    allowedOrigins: Type.Optional(Type.Array(Type.String({ maxLength: 4096 }), { maxItems: 500 })),
    identityMode: Type.Optional(Type.Unsafe<IdentityMode>(Type.String({ maxLength: 64 }))),
    color: Type.Optional(Type.String({ maxLength: 64 })),
    title: Type.Optional(Type.String({ maxLength: 4096 })),
    position: Type.Optional(Type.Unsafe<'right' | 'left'>(Type.String({ maxLength: 64 }))),
  },
  closed,
);
export type UpdateBotBody = Static<typeof UpdateBotBody>;

/** A knowledge entry, which the built-in responder answers from (docs/contract.md §6). */
export const KnowledgeEntry = Type.Object(
  { id: Type.String(), title: Type.String(), body: Type.String() },
  closed,
);
export type KnowledgeEntry = Static<typeof KnowledgeEntry>;

/** `GET /api/admin/bots/:botId/knowledge`, oldest first */
export const KnowledgeEntriesResponse = Type.Object(
  { entries: Type.Array(KnowledgeEntry) },
  closed,
);
export type KnowledgeEntriesResponse = Static<typeof KnowledgeEntriesResponse>;

/** `POST /api/admin/bots/:botId/knowledge` */
export const CreateKnowledgeEntryBody = Type.Object(
  { title: Type.String({ maxLength: 4096 }), body: Type.String({ maxLength: 65_536 }) },
  closed,
);
export type CreateKnowledgeEntryBody = Static<typeof CreateKnowledgeEntryBody>;

/** `PATCH /api/admin/bots/:botId/knowledge/:entryId` */
export const UpdateKnowledgeEntryBody = Type.Object(
  {
    title: Type.Optional(Type.String({ maxLength: 4096 })),
    body: Type.Optional(Type.String({ maxLength: 65_536 })),
  },
  closed,
);
export type UpdateKnowledgeEntryBody = Static<typeof UpdateKnowledgeEntryBody>;

// ——— Inbox (docs/contract.md §7 Inbox), every role ———

const Text = Type.Union([Type.String(), Type.Null()]);

/** A union of the strings in `values`, whose static type keeps each literal. */
function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return Type.Unsafe<T[number]>(Type.Union(values.map((value) => Type.Literal(value))));
}

/** The badge's tooltip: where the identity came from (docs/contract.md §2), one text per state. */
export const BADGE_SOURCES = {
  verified: 'Verified: signed token',
  'self-reported': 'Self-reported by the visitor',
  anonymous: 'Anonymous: nothing known',
} as const satisfies Record<IdentitySource, string>;

export const ConversationStatus = Type.Union([
  Type.Literal('bot'),
  Type.Literal('human'),
  Type.Literal('closed'),
]);
export type ConversationStatus = Static<typeof ConversationStatus>;

/**
 * The contact as a row shows it: verified claims as such, anything else the visitor said
 * labelled self-reported (never mixed: a verified contact's details are its token's claims).
 */
export const InboxContact = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('verified'),
      verifiedClaims: Type.Object({ sub: Text, name: Text, email: Text }, closed),
    },
    closed,
  ),
  Type.Object(
    {
      kind: Type.Literal('visitor'),
      selfReported: Type.Object({ name: Text, email: Text }, closed),
    },
    closed,
  ),
]);
export type InboxContact = Static<typeof InboxContact>;

/** A conversation as the inbox lists it. */
export const InboxConversation = Type.Object(
  {
    id: Type.String(),
    botId: Type.String(),
    contactId: Type.String(),
    status: ConversationStatus,
    /** The identity of the latest visitor message. */
    badge: IdentitySource,
    /** The badge's tooltip, from `BADGE_SOURCES`. */
    badgeSource: Type.String(),
    /** Epoch milliseconds; the list's order (newest first). */
    lastActivityAt: Type.Integer(),
    contact: InboxContact,
    assignee: Type.Union([
      Type.Object({ id: Type.String(), email: Type.String() }, closed),
      Type.Null(),
    ]),
    /** A visitor message the signed-in user has not read (`POST …/:id/read`). */
    unread: Type.Boolean(),
  },
  closed,
);
export type InboxConversation = Static<typeof InboxConversation>;

export const INBOX_STATUS_FILTERS = ['open', 'closed'] as const;
export const INBOX_ASSIGNEE_FILTERS = ['mine', 'unassigned', 'all'] as const;
export const INBOX_PAGE_MAX = 100;

/**
 * `GET /api/admin/conversations`. Query strings are text (type coercion is off), so `limit` is
 * matched as digits: 1 to 100, 50 when absent. `cursor` is the previous page's `nextCursor`,
 * sent with the same filters. `status=open` is `bot` or `human`.
 */
export const InboxListQuery = Type.Object(
  {
    limit: Type.Optional(Type.String({ pattern: '^(100|[1-9][0-9]?)$' })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    status: Type.Optional(oneOf(INBOX_STATUS_FILTERS)),
    identity: Type.Optional(IdentitySource),
    assignee: Type.Optional(oneOf(INBOX_ASSIGNEE_FILTERS)),
    botId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    /** Name, email or user id (`sub`): a case-insensitive substring, `%` and `_` literal. */
    q: Type.Optional(Type.String({ maxLength: 200 })),
  },
  closed,
);
export type InboxListQuery = Static<typeof InboxListQuery>;

/** Counts under the other filters: status counts ignore `status`, and so on ("Verified (12)"). */
export const InboxCounts = Type.Object(
  {
    status: Type.Object({ open: Type.Integer(), closed: Type.Integer() }, closed),
    identity: Type.Object(
      { verified: Type.Integer(), 'self-reported': Type.Integer(), anonymous: Type.Integer() },
      closed,
    ),
    assignee: Type.Object(
      { mine: Type.Integer(), unassigned: Type.Integer(), all: Type.Integer() },
      closed,
    ),
  },
  closed,
);
export type InboxCounts = Static<typeof InboxCounts>;

export const InboxListResponse = Type.Object(
  {
    conversations: Type.Array(InboxConversation),
    /** Null on the last page. Opaque. */
    nextCursor: Text,
    counts: InboxCounts,
    /** Open conversations unread by the signed-in user, whatever the filters (the tab title). */
    unreadTotal: Type.Integer(),
  },
  closed,
);
export type InboxListResponse = Static<typeof InboxListResponse>;

/** One detail of the contact, and where it came from. */
export const MarkedValue = Type.Union([
  Type.Object(
    {
      value: Type.String(),
      source: Type.Union([Type.Literal('verified'), Type.Literal('self-reported')]),
    },
    closed,
  ),
  Type.Null(),
]);
export type MarkedValue = Static<typeof MarkedValue>;

/** The contact panel: user id (verified contacts only), name and email, each marked. */
export const ContactPanel = Type.Object(
  { id: Type.String(), userId: MarkedValue, name: MarkedValue, email: MarkedValue },
  closed,
);
export type ContactPanel = Static<typeof ContactPanel>;

/** `GET /api/admin/conversations/:id`; it does not mark the conversation read. */
export const InboxThreadResponse = Type.Object(
  {
    conversation: InboxConversation,
    /** Oldest first, each with its author and `identitySource`; the newest 500. */
    messages: Type.Array(ChatMessage),
    unread: Type.Boolean(),
    contact: ContactPanel,
    /** The contact's other conversations, newest activity first (at most 20). */
    otherConversations: Type.Array(
      Type.Object(
        { id: Type.String(), status: ConversationStatus, lastActivityAt: Type.Integer() },
        closed,
      ),
    ),
    /** A self-reported email that is the email of a verified contact of the same chatbot. */
    impersonationWarning: Type.Boolean(),
  },
  closed,
);
export type InboxThreadResponse = Static<typeof InboxThreadResponse>;

/** `POST /api/admin/conversations/:id/messages` */
export const AgentReplyBody = Type.Object({ text: Type.String({ minLength: 1 }) });
export type AgentReplyBody = Static<typeof AgentReplyBody>;
export const AgentReplyResponse = Type.Object({ message: ChatMessage }, closed);
export type AgentReplyResponse = Static<typeof AgentReplyResponse>;

/** `POST …/:id/assign`, `…/unassign`, `…/close`, `…/reopen`: the conversation afterwards. */
export const InboxConversationResponse = Type.Object({ conversation: InboxConversation }, closed);
export type InboxConversationResponse = Static<typeof InboxConversationResponse>;

/** `POST …/:id/read`: read up to `lastReadSeq`, the conversation's newest message. */
export const MarkReadResponse = Type.Object(
  { lastReadSeq: Type.Integer(), unread: Type.Boolean(), unreadTotal: Type.Integer() },
  closed,
);
export type MarkReadResponse = Static<typeof MarkReadResponse>;

/** `GET /api/admin/events`: the data of each `event: conversation` (then refetch). */
export const InboxActivityEvent = Type.Object(
  { conversationId: Type.String(), lastActivityAt: Type.Integer() },
  closed,
);
export type InboxActivityEvent = Static<typeof InboxActivityEvent>;

// ---- The Widget Security card (docs/contract.md §3, §7) ----

/** `GET /api/admin/bots/:botId/secret` and Save, Cancel, Clear. No secret in here: a GET can never return one. */
export const SecretStatus = Type.Object(
  {
    state: Type.Union([
      Type.Literal('own'),
      Type.Literal('environment'),
      Type.Literal('not_configured'),
    ]),
    preview: Type.Union([Type.String(), Type.Null()]),
    rotatedAt: Type.Union([Type.Integer(), Type.Null()]),
    rotatedBy: Type.Union([Type.String(), Type.Null()]),
    pending: Type.Boolean(),
    pendingPreview: Type.Union([Type.String(), Type.Null()]),
    pendingExpiresAt: Type.Union([Type.Integer(), Type.Null()]),
  },
  closed,
);
export type SecretStatus = Static<typeof SecretStatus>;

/** The one response that ever holds a secret: Regenerate's, shown once. */
export const GeneratedSecret = Type.Object(
  { secret: Type.String(), preview: Type.String() },
  closed,
);
export type GeneratedSecret = Static<typeof GeneratedSecret>;

const PerWindow = Type.Object({ last24h: Type.Integer(), last7d: Type.Integer() }, closed);
/** Verification outcomes by reason (`verified` or a `VerifyReason`) → count. */
const Outcomes = Type.Record(Type.String(), Type.Integer());

/** `GET /api/admin/bots/:botId/security`: the whole card in one read, never a secret or a token. */
export const WidgetSecurity = Type.Object(
  {
    status: SecretStatus,
    outcomes: Type.Object({ last24h: Outcomes, last7d: Outcomes }, closed),
    longLived: PerWindow,
    headerMismatches: PerWindow,
    /** Verified conversations / conversations active in the last 7 days; null with none. */
    verifiedShare: Type.Object({ last7d: Type.Union([Type.Number(), Type.Null()]) }, closed),
    /** The start of the latest hour in which a token verified (counters are hourly); null if never. */
    lastVerifiedAt: Type.Union([Type.Integer(), Type.Null()]),
    recentFailures: Type.Array(
      Type.Object(
        {
          at: Type.Integer(),
          reason: Type.String(),
          detail: Type.String(),
          origin: Type.Union([Type.String(), Type.Null()]),
        },
        closed,
      ),
    ),
    audit: Type.Array(
      Type.Object(
        {
          action: Type.Union([
            Type.Literal('regenerate'),
            Type.Literal('save'),
            Type.Literal('cancel'),
            Type.Literal('clear'),
          ]),
          actor: Type.String(),
          at: Type.Integer(),
        },
        closed,
      ),
    ),
  },
  closed,
);
export type WidgetSecurity = Static<typeof WidgetSecurity>;

/** `POST /api/admin/bots/:botId/secret/check`: a pasted token, only read, never stored or logged. */
export const CheckTokenBody = Type.Object({ token: Type.String({ maxLength: 16384 }) }, closed);
export type CheckTokenBody = Static<typeof CheckTokenBody>;

const Verdict = {
  verified: Type.Boolean(),
  reason: Type.Optional(Type.String()),
  detail: Type.Optional(Type.String()),
  fix: Type.Optional(Type.String()),
};
const Decoded = Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]);

/** "Check a token": the verdict now, its fix, the decoded header and claims, and after Save. */
export const TokenCheck = Type.Object(
  {
    ...Verdict,
    header: Decoded,
    claims: Decoded,
    times: Type.Object(
      {
        exp: Type.Optional(Type.String()),
        iat: Type.Optional(Type.String()),
        nbf: Type.Optional(Type.String()),
      },
      closed,
    ),
    afterSave: Type.Optional(Type.Object(Verdict, closed)),
  },
  closed,
);
export type TokenCheck = Static<typeof TokenCheck>;
