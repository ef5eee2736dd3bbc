// Who the visitor is, and the widget session that says so (docs/contract.md §2, §5). Every change runs in
// one queue, so a sign-in, a token refresh and a logout can never interleave.
import { type ApiClient, isTransient } from './api-client.js';
import { backoffDelay } from './backoff.js';
import { ANONYMOUS, type IdentityRecord, parseIdentityRecord } from './identity-record.js';
import type { WidgetStorage } from './storage.js';
import { askForToken } from './token-provider.js';
import { decodeTokenHints, MAX_TIMER_MS, refreshDelayMs } from './token-schedule.js';
import type { IdentitySource, UserTokenProvider } from './types.js';
import type { SessionGrant } from './wire.js';

export interface User {
  readonly name?: string;
  readonly email?: string;
}

export interface IdentityOptions {
  readonly api: ApiClient;
  readonly storage: WidgetStorage;
  /** docs/contract.md §5: a token goes only to an https server, or to localhost. */
  readonly tokenAllowed: boolean;
  /** The previous visitor's conversation must disappear now (another user, or logout). */
  readonly onForget: () => void;
  /** A new session credential is in place: load its conversation. */
  readonly onSession: () => void;
}

export class Identity {
  source: IdentitySource;
  name: string | null;
  session: string | null;
  provider: UserTokenProvider | undefined;
  user: User | undefined;
  readonly #o: IdentityOptions;
  #record: IdentityRecord;
  #queue: Promise<void> = Promise.resolve();
  #waiters: Array<(session: string) => void> = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #expiresAt: number | undefined;
  #providerDeclined = false;
  #lastRefresh = 0;
  #lastRecover = 0;
  #recovering: Promise<void> | undefined;
  /** The host's latest token, in memory only, to get a session back after a 401. */
  #token: string | undefined;
  #warned = false;
  /** The session the widget last loaded a conversation for. */
  #announced: string | null = null;

  constructor(options: IdentityOptions) {
    this.#o = options;
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

  /** Mount, `init` again, or `setUserToken`: settle on the best identity the host offers. */
  settle(token: string | undefined): Promise<void> {
    if (token) this.#token = token;
    return this.enqueue(async () => {
      await this.#settle(token, false);
      // A session kept from storage is in place too: its conversation must be loaded.
      this.#announce();
    });
  }

  logout(): Promise<void> {
    this.#token = undefined;
    this.user = undefined;
    return this.enqueue(async () => {
      await this.#forget(true);
      await this.#grant(() => this.#o.api.session(undefined, null));
    });
  }

  /** The server refused the session (401): get a new one, at most every few seconds. */
  recover(): Promise<void> {
    this.#recovering ??= this.enqueue(async () => {
      const wait = this.#lastRecover + 5000 - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      this.#lastRecover = Date.now();
      this.#setSession(null);
      await this.#settle(this.#token, false);
    }).finally(() => {
      this.#recovering = undefined;
    });
    return this.#recovering;
  }

  /** The server's decision from a response header (docs/contract.md §2): it wins over the widget's belief. */
  adopt(source: IdentitySource, session: string | null): void {
    if (session !== this.session || source === this.source) return;
    const lost = this.source === 'verified';
    this.#setSource(source);
    // The server saw the token expire before the widget did (clocks differ): ask for a new one.
    if (lost && this.provider && Date.now() - this.#lastRefresh > 30_000) {
      this.enqueue(() => this.#refresh());
    }
  }

  setName(name: string | null): void {
    if (name === this.name) return;
    this.name = name;
  }

  setProvider(provider: UserTokenProvider | undefined): void {
    this.provider = provider;
    this.#providerDeclined = false;
    if (this.#expiresAt !== undefined) this.#plan(this.#expiresAt);
  }

  async #settle(offered: string | undefined, refreshing: boolean): Promise<void> {
    const { api } = this.#o;
    let token = this.#usable(offered);
    if (!token && !refreshing) token = this.#usable(await askForToken(this.provider));
    if (token) {
      const sub = decodeTokenHints(token).sub;
      // A different user signs in on this browser: the previous one's conversation goes.
      if (sub !== undefined && this.#record.sub !== undefined && sub !== this.#record.sub) {
        await this.#forget(false);
      }
      const grant = await this.#retry(() => api.verify(token, this.session)).catch(() => undefined);
      if (grant) return this.#apply(grant);
      // docs/contract.md §2: a token that fails leaves the visitor anonymous. A failed refresh keeps the
      // session, which the server itself turns anonymous at `exp`.
      if (refreshing && this.#expiresAt !== undefined) {
        this.#providerDeclined = true;
        return this.#plan(this.#expiresAt);
      }
      if (this.session && this.#record.source === 'anonymous') return;
      return this.#grant(() => api.session(undefined, this.session));
    }
    if (refreshing) return;
    // The page no longer identifies the verified user who had this browser's conversation
    // (signed out on the host): do not show it to whoever is here now.
    if (this.#record.sub !== undefined) await this.#forget(false);
    const { user } = this;
    if (user && (user.name || user.email)) {
      const same = this.#record.name === user.name && this.#record.email === user.email;
      if (this.session && this.#record.source === 'self-reported' && same) return;
      return this.#grant(() => api.session(user, this.session), user);
    }
    if (!this.session) return this.#grant(() => api.session(undefined, null));
  }

  async #refresh(): Promise<void> {
    this.#lastRefresh = Date.now();
    const token = this.#usable(await askForToken(this.provider));
    if (token) {
      this.#token = token;
      return this.#settle(token, true);
    }
    // The host has no token for us (signed out): carry on, as anonymous from `exp` on.
    this.#providerDeclined = true;
    if (this.#expiresAt !== undefined) this.#plan(this.#expiresAt);
  }

  /** Forgets the identity and this browser's conversation, locally and (best effort) on the server. */
  async #forget(waitForServer: boolean): Promise<void> {
    const previous = this.session;
    // The ending session's own logout call says what that session was (docs/contract.md §2), not 'anonymous'.
    const belief = this.source;
    clearTimeout(this.#timer);
    this.#expiresAt = undefined;
    this.#record = ANONYMOUS;
    this.source = 'anonymous';
    this.name = null;
    this.#setSession(null);
    this.#o.storage.clear();
    this.#o.onForget();
    if (previous) {
      const done = this.#o.api.logout(previous, belief).catch(() => {});
      if (waitForServer) await done;
    }
  }

  async #grant(fetchGrant: () => Promise<SessionGrant>, user?: User): Promise<void> {
    try {
      this.#apply(await this.#retry(fetchGrant), user);
    } catch (error) {
      // Offline, or the server is down: keep trying in the background; the chat waits for it.
      if (!this.session && isTransient(error)) setTimeout(() => void this.recover(), 15_000);
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
    clearTimeout(this.#timer);
    this.#expiresAt = undefined;
    if (grant.expiresAt !== undefined) {
      this.#providerDeclined = false;
      this.#plan(grant.expiresAt);
    }
    this.#announce();
  }

  #announce(): void {
    if (this.session === null || this.session === this.#announced) return;
    this.#announced = this.session;
    this.#o.onSession();
  }

  /** Sets the timer for the token's end: refresh shortly before, or turn anonymous at `exp`. */
  #plan(expS: number): void {
    clearTimeout(this.#timer);
    this.#expiresAt = expS;
    const refresh = this.provider !== undefined && !this.#providerDeclined;
    const now = Date.now();
    const delay = refresh ? refreshDelayMs(expS, now) : Math.max(0, expS * 1000 - now);
    this.#timer = setTimeout(
      () => {
        if (delay > MAX_TIMER_MS) this.#plan(expS);
        else if (refresh) this.enqueue(() => this.#refresh());
        else {
          this.#expiresAt = undefined;
          if (this.source === 'verified') this.#setSource('anonymous');
        }
      },
      Math.min(delay, MAX_TIMER_MS),
    );
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
        await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt)));
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
