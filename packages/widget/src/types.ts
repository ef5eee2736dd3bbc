// The public surface of chat_v3.js (docs/contract.md §5): what a host page may call on `window.HilalChat`.
import type { IdentityReport, IdentitySource, WidgetState } from '@hilal/contract/widget-api';

/** Who the visitor is, as far as the server has decided (docs/contract.md §2). */
export type { IdentityReport, IdentitySource, WidgetState };

/** Returns a fresh token from the host's backend, or nothing when the user is signed out. */
export type UserTokenProvider = () =>
  | Promise<string | null | undefined>
  | string
  | null
  | undefined;

export interface InitOptions {
  /** `org_…` */
  readonly organizationId: string;
  /** `bot_…` */
  readonly botId: string;
  /** An HS256 token signed by the host's backend; verified by the server before it is trusted. */
  readonly userToken?: string | null | undefined;
  /** Self-reported details, used for display only. */
  readonly user?: { readonly name?: string | undefined; readonly email?: string | undefined };
  /**
   * Asked for a fresh token shortly before the current one expires, and when the server ends the
   * verified session early (the secret was saved again, a 401).
   */
  readonly userTokenProvider?: UserTokenProvider | undefined;
  /** The Hilal server; defaults to the origin chat_v3.js was loaded from. */
  readonly serverUrl?: string | undefined;
  /**
   * Shown instead of the chatbot's saved look on this page: the dashboard's live preview shows
   * unsaved changes this way. Each field is optional.
   */
  readonly appearance?: InitAppearance | undefined;
}

export interface InitAppearance {
  /** `#rrggbb` */
  readonly color?: string | undefined;
  readonly title?: string | undefined;
  readonly position?: 'right' | 'left' | undefined;
}

export interface HilalChatApi {
  readonly version: string;
  /**
   * Starts the widget; idempotent. Throws `TypeError` on invalid options. The promise resolves
   * once the identity is settled (verified, or fallen back to anonymous); it never rejects.
   */
  init(options: InitOptions): Promise<void>;
  /** Verifies a new token (e.g. after sign-in). A different user starts a fresh conversation. */
  setUserToken(token: string): Promise<void>;
  /** Forgets the identity and this browser's conversation (shared devices). */
  logout(): Promise<void>;
  open(): void;
  close(): void;
  state(): WidgetState;
  /** The identity state, and the reason and detail of the last token that failed. */
  identity(): IdentityReport;
}
