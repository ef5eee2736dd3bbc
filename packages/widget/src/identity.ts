// Who the visitor is, and the widget session that says so (docs/contract.md §2, §5). Every change runs in
// one queue, so a sign-in, a token refresh, a recovery and a logout can never interleave.
import { type ApiClient, type BootPlan, isTransient } from './api-client.js';
import { backoffDelay } from './backoff.js';
import { ANONYMOUS, type IdentityRecord, parseIdentityRecord } from './identity-record.js';
import type { WidgetStorage } from './storage.js';
import { TokenLifetime } from './token-lifetime.js';
import { askForToken } from './token-provider.js';
import { decodeTokenHints } from './token-schedule.js';
import { tokenWarning } from './token-warning.js';
import type { IdentityReport, IdentitySource, UserTokenProvider } from './types.js';
import type { Sleep } from './waker.js';
import type { SessionGrant, TokenFailure } from './wire.js';

export interface User {
  readonly name?: string;
  readonly email?: string;
}

/**
 * How the server said that the session is no longer what the widget believes: the stream's
 * `session_ended` (`logout`, `secret_changed`, `expired`; the widget's own timer says `expired`
 * too), a response's `X-Hilal-Identity-Source` below the belief (`lowered`), or a 401.
 */
export type SessionEnd = 'logout' | 'secret_changed' | 'expired' | 'lowered' | 'unauthorized';

export interface IdentityOptions {
  readonly api: Pick<ApiClient, 'session' | 'verify' | 'logout'>;
  readonly storage: WidgetStorage;
  /** docs/contract.md §5: a token goes only to an https server, or to localhost. */
  readonly tokenAllowed: boolean;
  /** The session is being replaced: stop using it; what is typed from now on is the next one's. */
  readonly onEnding: () => void;
  /** The previous visitor's conversation must disappear now (another user, or logout). */
  readonly onForget: () => void;
  /** A new session credential is in place: load its conversation. */
  readonly onSession: () => void;
  /** Epoch ms; tests move it. */
  readonly now?: () => number;
  readonly sleep?: Sleep;
}

const RANK: Record<IdentitySource, number> = { anonymous: 0, 'self-reported': 1, verified: 2 };
/** Endings in a row (every request refused) get a new session at most this often. */
export const RECOVER_INTERVAL_MS = 5000;
/** A token from a recovery that ends again within this long is not followed by another: anonymous. */
export const REVERIFY_COOLDOWN_MS = 30_000;

export class Identity {
  source: IdentitySource;
  name: string | null;
  session: string | null;
  provider: UserTokenProvider | undefined;
  user: User | undefined;
  readonly #o: IdentityOptions;
  readonly #now: () => number;
  readonly #sleep: Sleep;
  #record: IdentityRecord;
  #queue: Promise<void> = Promise.resolve();
  #waiters: Array<(session: string) => void> = [];
  readonly #lifetime: TokenLifetime;
  #ending: Promise<void> | undefined;
  #lastEnding = -Infinity;
  #reverifiedAt = -Infinity;
  #warned = false;
  /** The session the widget last loaded a conversation for. */
  #announced: string | null = null;
  /** Why the last token failed, until one verifies (README "Failure reasons"). */
  #failure: TokenFailure | undefined;

  constructor(options: IdentityOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#lifetime = new TokenLifetime({
      canRefresh: () => this.provider !== undefined,
      refresh: () => void this.enqueue(() => this.#refresh()),
      expired: () => {
        if (this.source === 'verified') void this.ended('expired', this.session);
      },
      now: this.#now,
    });
    this.#record = parseIdentityRecord(options.storage.get('identity'));
    this.session = options.storage.get('session');
    this.source = this.session ? this.#record.source : 'anonymous';
    this.name = this.#record.name ?? null;
  }

  /** A session credential, as soon as there is one. */
  ready(): Promise<string> {
    const { session } = this;
    return session
      ? Promise.resolve(session)
      : new Promise((resolve) => this.#waiters.push(resolve));
  }

  enqueue(operation: () => Promise<void>): Promise<void> {
    const next = this.#queue.then(operation).catch((error: unknown) => {
      console.error('Hilal chat:', error);
    });
    this.#queue = next;
    return next;
  }

  /**
   * What `settle(offered)` will first ask the server, as far as that is known now: the widget's
   * load asks it together with the config and the conversation (with a token `POST
   * /api/widget/verify-jwt` with `load`, else `POST /api/widget/bootstrap`). It follows
   * `#settle`; where the two part ways, the call goes to its own route.
   */
  plan(offered: string | undefined): BootPlan {
    const record = this.#record;
    const session = this.session ?? undefined;
    const token = this.#usable(offered);
    if (token) {
      const sub = decodeTokenHints(token).sub;
      // Another user's conversation is forgotten first (`#verify`): nothing to carry over.
      return sub !== undefined && record.sub !== undefined && sub !== record.sub
        ? { token }
        : { token, session };
    }
    // A token may yet come from the provider: only the conversation held can be asked for now.
    if (this.provider) return { session };
    const { user } = this;
    const held = record.sub === undefined ? session : undefined;
    if (user && (user.name || user.email)) {
      const same = record.name === user.name && record.email === user.email;
      if (held && record.source === 'self-reported' && same) return { session: held };
      return { start: true, user, session: held };
    }
    return held ? { session: held } : { start: true };
  }

  /** Mount, `init` again, or `setUserToken`: settle on the best identity the host offers. */
  settle(token: string | undefined): Promise<void> {
    return this.enqueue(async () => {
      await this.#settle(token, false);
      // A session kept from storage is in place too: its conversation must be loaded.
      this.#announce();
    });
  }

  logout(): Promise<void> {
    this.user = undefined;
    return this.enqueue(async () => {
      await this.#forget(this.session, true);
      await this.#grant(() => this.#o.api.session(undefined, null));
    });
  }

  /**
   * The server says that `session` is no longer what the widget believes (README "Embedding the
   * widget"). One recovery at a time; news about a session already replaced is old news.
   */
  ended(why: SessionEnd, session: string | null): Promise<void> {
    if (this.#ending) return this.#ending;
    if (session !== this.session) return Promise.resolve();
    const ending = this.enqueue(() => this.#recover(why, session)).finally(() => {
      this.#ending = undefined;
    });
    this.#ending = ending;
    return ending;
  }

  /** The server's decision from a response header (docs/contract.md §2): it wins over the belief. */
  adopt(source: IdentitySource, session: string | null): void {
    if (session !== this.session || source === this.source) return;
    if (RANK[source] < RANK[this.source]) void this.ended('lowered', session);
    else this.#setSource(source);
  }

  setName(name: string | null): void {
    this.name = name;
  }

  setProvider(provider: UserTokenProvider | undefined): void {
    this.provider = provider;
    this.#lifetime.reset();
  }

  report(): IdentityReport {
    const failure = this.#failure;
    return failure ? { state: this.source, ...failure } : { state: this.source };
  }

  async #recover(why: SessionEnd, previous: string | null): Promise<void> {
    if (previous !== this.session) return; // replaced while this waited in the queue
    const wait = this.#lastEnding + RECOVER_INTERVAL_MS - this.#now();
    if (wait > 0) await this.#sleep(wait);
    this.#lastEnding = this.#now();
    const wasVerified = this.#record.source === 'verified';
    this.#setSession(null); // what is sent from now on waits for the next session
    if (previous !== null) this.#o.onEnding();
    const { api } = this.#o;
    if (why === 'logout') {
      // Another tab logged this browser out: as if `logout()` had been called here.
      this.user = undefined;
      await this.#forget(null);
      return this.#grant(() => api.session(undefined, null));
    }
    // A 401 for an anonymous or self-reported session: the same kind of session again.
    if (!wasVerified) return this.#settle(undefined, false);
    // docs/contract.md §2: a verified session ended early. A fresh token keeps the visitor verified,
    // in the same conversation (the old session as Bearer); without one, anonymous, cleanly. A
    // token that ends again at once is not followed by another: no loop.
    const again = this.#now() - this.#reverifiedAt < REVERIFY_COOLDOWN_MS;
    const token = again ? undefined : this.#usable(await askForToken(this.provider));
    if (token) {
      const result = await this.#verify(token, previous, false);
      if (result && 'session' in result) {
        this.#reverifiedAt = this.#now();
        return this.#apply(result);
      }
    }
    await this.#forget(null);
    return this.#grant(() => api.session(undefined, previous));
  }

  async #settle(offered: string | undefined, refreshing: boolean): Promise<void> {
    const { api } = this.#o;
    let token = this.#usable(offered);
    if (!token && !refreshing) token = this.#usable(await askForToken(this.provider));
    if (token) {
      const result = await this.#verify(token, this.session, refreshing);
      if (result && 'session' in result) return this.#apply(result);
      // A failed refresh keeps the session, which the server itself ends at `exp`.
      if (refreshing && this.#lifetime.running) return this.#lifetime.decline();
      // docs/contract.md §2: a token that fails leaves the visitor anonymous, and a verified
      // conversation kept from an earlier page is not shown to them.
      const carry = this.session;
      if (result && this.#record.sub !== undefined) await this.#forget(null);
      if (this.session && this.#record.source === 'anonymous') return;
      return this.#grant(() => api.session(undefined, carry));
    }
    if (refreshing) return;
    // The page no longer identifies the verified user who had this browser's conversation
    // (signed out on the host): do not show it to whoever is here now.
    if (this.#record.sub !== undefined) await this.#forget(this.session);
    const { user } = this;
    if (user && (user.name || user.email)) {
      const same = this.#record.name === user.name && this.#record.email === user.email;
      if (this.session && this.#record.source === 'self-reported' && same) return;
      return this.#grant(() => api.session(user, this.session), user);
    }
    if (!this.session) return this.#grant(() => api.session(undefined, null));
  }

  /**
   * Verifies `token`, carrying `carry` over when it is the same user. A refusal is kept for
   * `report()` and explained in the console; `undefined` when the server could not be asked.
   */
  async #verify(
    token: string,
    carry: string | null,
    refreshing: boolean,
  ): Promise<SessionGrant | TokenFailure | undefined> {
    const sub = decodeTokenHints(token).sub;
    // A different user signs in on this browser: the previous one's conversation goes.
    if (sub !== undefined && this.#record.sub !== undefined && sub !== this.#record.sub) {
      await this.#forget(carry);
      carry = null;
    }
    const result = await this.#retry(() => this.#o.api.verify(token, carry)).catch(() => undefined);
    if (result && !('session' in result)) {
      this.#failure = result;
      console.warn(tokenWarning(result, refreshing));
    }
    return result;
  }

  async #refresh(): Promise<void> {
    const token = this.#usable(await askForToken(this.provider));
    if (token) return this.#settle(token, true);
    // The host has no token for us (signed out): carry on until `exp`.
    this.#lifetime.decline();
  }

  /**
   * Forgets the identity and this browser's conversation; `ending`, the session that belonged to
   * it, is logged out on the server too (best effort), ending its family.
   */
  async #forget(ending: string | null, waitForServer = false): Promise<void> {
    // The ending session's own logout call says what that session was (docs/contract.md §2).
    const belief = this.source;
    this.#lifetime.stop();
    this.#record = ANONYMOUS;
    this.source = 'anonymous';
    this.name = null;
    this.#setSession(null);
    this.#o.storage.clear();
    this.#o.onForget();
    if (ending) {
      const done = this.#o.api.logout(ending, belief).catch(() => {});
      if (waitForServer) await done;
    }
  }

  async #grant(fetchGrant: () => Promise<SessionGrant>, user?: User): Promise<void> {
    try {
      this.#apply(await this.#retry(fetchGrant), user);
    } catch (error) {
      // Offline, or the server is down: keep trying in the background; the chat waits for it.
      if (!this.session && isTransient(error)) {
        setTimeout(() => void this.ended('unauthorized', null), 15_000);
      }
    }
  }

  #apply(grant: SessionGrant, user?: User): void {
    const sub = grant.sub ?? this.#record.sub;
    const name = grant.name ?? user?.name;
    this.#record = {
      source: grant.identity,
      ...(sub === undefined ? {} : { sub }),
      ...(name ? { name } : {}),
      ...(user?.email ? { email: user.email } : {}),
    };
    this.source = grant.identity;
    this.name = name ?? null;
    this.#setSession(grant.session);
    this.#saveRecord();
    this.#lifetime.stop();
    if (grant.expiresAt !== undefined) {
      this.#failure = undefined;
      this.#lifetime.start(grant.expiresAt);
    }
    this.#announce();
  }

  #announce(): void {
    if (this.session === null || this.session === this.#announced) return;
    this.#announced = this.session;
    this.#o.onSession();
  }

  #usable(token: string | undefined): string | undefined {
    if (!token || this.#o.tokenAllowed) return token || undefined;
    if (!this.#warned) {
      this.#warned = true;
      console.warn(
        'Hilal chat: a user token is sent only to an https: server or localhost; ignoring it.',
      );
    }
    return undefined;
  }

  /** Up to three attempts for network failures and 5xx; other errors end at once. */
  async #retry<T>(action: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await action();
      } catch (error) {
        if (attempt >= 2 || !isTransient(error)) throw error;
        await this.#sleep(backoffDelay(attempt));
      }
    }
  }

  #setSession(session: string | null): void {
    this.session = session;
    if (session === null) {
      this.#o.storage.remove('session');
      return;
    }
    this.#o.storage.set('session', session);
    for (const resolve of this.#waiters.splice(0)) resolve(session);
  }

  #setSource(source: IdentitySource): void {
    this.source = source;
    this.#record = { ...this.#record, source };
    this.#saveRecord();
  }

  #saveRecord(): void {
    this.#o.storage.set('identity', JSON.stringify(this.#record));
  }
}
