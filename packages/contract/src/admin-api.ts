// The JSON that the dashboard and the server's admin API exchange (docs/contract.md §7), described
// once, like widget-api.ts. The server validates and serializes with these schemas; the dashboard
// imports only their types (`import type`, erased by the bundler), so its API client is checked
// against what the server sends and cannot drift from it.
import { type Static, Type } from '@sinclair/typebox';

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
