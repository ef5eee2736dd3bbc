import type { ColumnType, Generated } from 'kysely';

/**
 * Table types. Every table carries `organization_id`, so every query can be scoped to the
 * caller's organization (see `tenancy.ts`). Times are epoch milliseconds in `bigint` columns.
 */
export interface Database {
  organizations: OrganizationsTable;
  users: UsersTable;
  chatbots: ChatbotsTable;
  widget_secrets: WidgetSecretsTable;
  widget_session_revocations: WidgetSessionRevocationsTable;
  bot_counters: BotCountersTable;
  contacts: ContactsTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  conversation_reads: ConversationReadsTable;
  inbox_counts: InboxCountsTable;
  knowledge_entries: KnowledgeEntriesTable;
  admin_sessions: AdminSessionsTable;
  secret_audit_log: SecretAuditLogTable;
  verify_failures: VerifyFailuresTable;
}

type Millis = ColumnType<number, number, number>;

export interface OrganizationsTable {
  id: string;
  name: string;
  created_at: Millis;
}

export type Role = 'owner' | 'admin' | 'agent';

export interface UsersTable {
  id: string;
  organization_id: string;
  email: string;
  password_hash: string;
  role: Role;
  created_at: Millis;
}

export interface ChatbotsTable {
  id: string;
  organization_id: string;
  name: string;
  /** JSON: appearance and widget settings (see `bots/bot-settings.ts`). */
  settings: string;
  created_at: Millis;
  /** Moves whenever the bot's knowledge entries change (migration 007): instances rebuild their search index. */
  knowledge_version: ColumnType<number, number | undefined, number>;
}

/** docs/contract.md §3: `pending` until saved, then `active`; the one before becomes `retired`. */
export type WidgetSecretState = 'pending' | 'active' | 'retired';

export interface WidgetSecretsTable {
  id: string;
  organization_id: string;
  chatbot_id: string;
  state: WidgetSecretState;
  /** AES-256-GCM ciphertext (see `secrets/secret-cipher.ts`); null once retired. */
  ciphertext: string | null;
  /** The last 4 characters only, for the masked preview. */
  preview: string;
  created_at: Millis;
  created_by: string;
  activated_at: Millis | null;
  activated_by: string | null;
  retired_at: Millis | null;
}

export type IdentityState = 'anonymous' | 'self-reported' | 'verified';

/** Widget sessions ended before their expiry (logout); sessions themselves are not stored. */
export interface WidgetSessionRevocationsTable {
  session_id: string;
  organization_id: string;
  chatbot_id: string;
  revoked_at: Millis;
  expires_at: Millis;
}

export interface BotCountersTable {
  organization_id: string;
  chatbot_id: string;
  /** e.g. `verify:verified`, `verify:malformed:crit`, `verify:long_lived`, `identity_mismatch`. */
  metric: string;
  /** Start of the hour this count belongs to. */
  bucket_start: Millis;
  count: Generated<number>;
}

/** `verified`: keyed by (bot, sub), seen from any device. `visitor`: bound to one browser. */
export interface ContactsTable {
  id: string;
  organization_id: string;
  chatbot_id: string;
  kind: 'verified' | 'visitor';
  sub: string | null;
  visitor_id: string | null;
  name: string | null;
  email: string | null;
  created_at: Millis;
  updated_at: Millis;
}

export type ConversationStatus = 'bot' | 'human' | 'closed';

export interface ConversationsTable {
  id: string;
  organization_id: string;
  chatbot_id: string;
  contact_id: string;
  /** The identity state of the conversation's latest visitor message. */
  identity: IdentityState;
  status: ConversationStatus;
  created_at: Millis;
  last_activity_at: Millis;
  /** The agent (a user of the organization) it is assigned to; null when unassigned. */
  assignee_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** The seq of the newest visitor message, 0 before any; kept by a trigger (migration 006). */
  last_visitor_seq: ColumnType<number, never, never>;
}

/** How far an agent has read a conversation: unread while a visitor message has a higher seq. */
export interface ConversationReadsTable {
  organization_id: string;
  conversation_id: string;
  user_id: string;
  last_read_seq: number;
  read_at: Millis;
  /**
   * 1 while the conversation is open and read up to its newest visitor message; kept by a
   * trigger when the conversation changes (migration 006), written by `markConversationRead`.
   */
  open_read: ColumnType<number, number, number>;
}

/**
 * Conversations per chatbot, status, identity and assignee (`''`: unassigned), kept by triggers
 * on `conversations` (migration 006): the counts beside the inbox's filters.
 */
export interface InboxCountsTable {
  organization_id: string;
  chatbot_id: string;
  status: ConversationStatus;
  identity: IdentityState;
  assignee: string;
  conversations: ColumnType<number, never, never>;
  /** Of which have a visitor message (`last_visitor_seq > 0`). */
  visitor_written: ColumnType<number, never, never>;
}

export type MessageAuthor = 'visitor' | 'bot' | 'agent';

export interface MessagesTable {
  /** Global order, also the resume point of the live event stream. */
  seq: Generated<number>;
  id: string;
  organization_id: string;
  conversation_id: string;
  client_message_id: string | null;
  author: MessageAuthor;
  text: string;
  /** The server's own identity state when the message was stored (docs/contract.md §2). */
  identity_source: IdentityState;
  created_at: Millis;
}

export interface KnowledgeEntriesTable {
  id: string;
  organization_id: string;
  chatbot_id: string;
  title: string;
  body: string;
  created_at: Millis;
}

/** A signed-in dashboard user; only the credential's SHA-256 is stored. */
export interface AdminSessionsTable {
  id: string;
  organization_id: string;
  user_id: string;
  credential_hash: string;
  created_at: Millis;
  expires_at: Millis;
}

/** docs/contract.md §7: the Widget Security card's audit log of secret changes. */
export type SecretAuditAction = 'regenerate' | 'save' | 'cancel' | 'clear';

export interface SecretAuditLogTable {
  /** Insertion order: breaks ties between changes of the same millisecond. */
  id: Generated<number>;
  organization_id: string;
  chatbot_id: string;
  action: SecretAuditAction;
  /** The email of the member who did it, or the command line's name. */
  actor: string;
  at: Millis;
}

/** The newest 50 failed verifications per bot: never the token, only what explains it. */
export interface VerifyFailuresTable {
  id: Generated<number>;
  organization_id: string;
  chatbot_id: string;
  at: Millis;
  reason: string;
  detail: string;
  /** The request's Origin header, or null without one. */
  origin: string | null;
}
