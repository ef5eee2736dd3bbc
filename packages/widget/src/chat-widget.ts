// One chat widget on the page: it wires the identity, the messages, the outbox, the live event
// stream and the view together. Each of those is its own module; this one only connects them.
import { type ApiClient, createApiClient, HttpError, isTransient } from './api-client.js';
import { backoffDelay } from './backoff.js';
import { newClientMessageId } from './client-id.js';
import { createEventStream, type EventStream } from './event-stream.js';
import { Identity, type User } from './identity.js';
import { MessageList } from './message-list.js';
import { canSendToken, type ResolvedOptions } from './options.js';
import { Outbox, parseOutbox } from './outbox.js';
import type { SseEvent } from './sse-parser.js';
import { createStorage, localStorageSource } from './storage.js';
import type { IdentityReport, WidgetState } from './types.js';
import { type ChatView, createChatView } from './ui/chat-view.js';
import { Waker } from './waker.js';
import { welcomeText } from './welcome.js';
import {
  type Appearance,
  DEFAULT_CONFIG,
  type Message,
  parseDelta,
  parseMessage,
  parseSessionEnded,
  parseTyping,
} from './wire.js';

/** A typing indicator the server forgot to turn off goes away by itself. */
const TYPING_TIMEOUT_MS = 30_000;
/** How long the stream of a new conversation waits for the messages sent first. */
const FIRST_SEND_WAIT_MS = 10_000;

export class ChatWidget {
  readonly options: ResolvedOptions;
  readonly #api: ApiClient;
  readonly #identity: Identity;
  readonly #messages = new MessageList();
  readonly #outbox: Outbox;
  readonly #stream: EventStream;
  readonly #waker = new Waker();
  readonly #settled: Promise<void>;
  #view: ChatView | undefined;
  #config: Appearance = DEFAULT_CONFIG;
  /** The chat API answered 403 `identity_required` (the bot now wants verified users only). */
  #refused = false;
  #open = false;
  #unread = 0;
  #connected = false;
  #sync = 0;
  #typingTimer: ReturnType<typeof setTimeout> | undefined;
  #token: string | undefined;
  /** The sessions the stream and the last send used, to say which one the server refused. */
  #streamSession: string | null = null;
  #sendSession: string | null = null;
  /**
   * While the identity changes (README "Embedding the widget"): the client ids that were waiting
   * to be sent when it began. They belong to the identity that ended; anything typed since is
   * sent under the next session, whoever that is.
   */
  #ended: ReadonlySet<string> | undefined;

  constructor(options: ResolvedOptions) {
    this.options = options;
    const { orgId, botId, serverUrl } = options;
    const storage = createStorage(botId, localStorageSource);
    const api = createApiClient({
      serverUrl,
      orgId,
      botId,
      belief: () => identity.source,
      onIdentity: (source, session) => identity.adopt(source, session),
    });
    this.#api = api;
    const identity = new Identity({
      api,
      storage,
      tokenAllowed: canSendToken(serverUrl),
      onEnding: () => this.#ending(),
      onForget: () => this.#forget(),
      onSession: () => {
        if (identity.source === 'verified') this.#refused = false;
        this.#ended = undefined;
        void this.#resync();
      },
    });
    this.#identity = identity;
    identity.user = options.user;
    identity.setProvider(options.provider);

    this.#outbox = new Outbox({
      send: async (entry, stale) => {
        const session = await identity.ready();
        if (stale()) return undefined;
        this.#sendSession = session;
        return api.send(session, entry.clientMessageId, entry.text).catch((error: unknown) => {
          if (isIdentityRequired(error)) this.#refuse();
          throw error;
        });
      },
      renewSession: () => identity.ended('unauthorized', this.#sendSession),
      onSent: (_entry, message) => {
        if (message) this.#show(message, false);
      },
      onFailed: (entry) => {
        this.#messages.setStatus(entry.clientMessageId, 'failed');
        this.#render(false);
      },
      save: (entries) =>
        entries.length ? storage.set('outbox', JSON.stringify(entries)) : storage.remove('outbox'),
      sleep: this.#waker.sleep,
    });
    // Messages a previous page could not deliver are shown, then sent once there is a session.
    const unsent = parseOutbox(storage.get('outbox'));
    for (const entry of unsent) {
      this.#messages.addPending(entry.clientMessageId, entry.text, entry.createdAt);
    }
    this.#outbox.restore(unsent);

    this.#stream = createEventStream({
      connect: (lastEventId, signal) => {
        const { session } = identity;
        this.#streamSession = session;
        if (!session) return Promise.reject(new HttpError(401, 'unauthorized', undefined));
        return api.events(session, lastEventId, signal);
      },
      lastEventId: () => {
        const seq = this.#messages.lastSeq();
        return seq > 0 ? String(seq) : undefined;
      },
      onEvent: (event) => this.#onEvent(event),
      onStatus: (connected) => {
        this.#connected = connected;
      },
      onUnauthorized: () => void identity.ended('unauthorized', this.#streamSession),
      // The bot turned to verified users only while this page was open.
      onRefused: (code) => {
        if (code === 'identity_required') this.#refuse();
      },
      sleep: this.#waker.sleep,
    });
    addEventListener('online', () => this.#waker.wake());

    this.#token = options.token;
    api.prefetch(identity.plan(options.token));
    this.#settled = identity.settle(options.token);
    void this.#mount();
  }

  /** `init` again on the same bot: only what changed is acted on. */
  update(options: ResolvedOptions): Promise<void> {
    this.#identity.setProvider(options.provider);
    const userChanged = !sameUser(options.user, this.#identity.user);
    this.#identity.user = options.user;
    if (options.token && options.token !== this.#token) return this.setUserToken(options.token);
    // The token still wins over self-reported details; re-verifying it keeps the conversation.
    if (userChanged) return this.#identity.settle(this.#token);
    return this.#settled;
  }

  setUserToken(token: string): Promise<void> {
    this.#token = token;
    return this.#identity.settle(token);
  }

  logout(): Promise<void> {
    this.#token = undefined;
    this.#ended = undefined; // everything goes, also what was typed during a switch
    return this.#identity.logout();
  }

  setOpen(open: boolean): void {
    this.#open = open;
    if (open) this.#unread = 0;
    this.#view?.setOpen(open, this.#unread);
  }

  state(): WidgetState {
    return {
      initialized: true,
      identity: this.#identity.source,
      name: this.#identity.name,
      open: this.#open,
      unread: this.#unread,
      connected: this.#connected,
      messages: this.#messages.size,
    };
  }

  identity(): IdentityReport {
    return this.#identity.report();
  }

  async #mount(): Promise<void> {
    let config = DEFAULT_CONFIG;
    try {
      config = await this.#api.config();
    } catch (error) {
      if (error instanceof HttpError && error.code === 'bot_not_found') {
        console.error('Hilal chat: no such chatbot in this organization; the widget is not shown.');
        return;
      }
      // Anything else (offline, an older server): show the chat with the default look.
    }
    this.#view = createChatView({
      onToggle: (open) => this.setOpen(open),
      onSend: (text) => this.#send(text),
      onRetry: (clientMessageId) => {
        this.#messages.setStatus(clientMessageId, 'sending');
        this.#render(false);
        this.#outbox.retry(clientMessageId);
      },
    });
    this.#config = { ...config, ...this.options.appearance };
    this.#view.applyConfig(this.#config);
    this.#refreshIdentityView();
    this.#view.setOpen(this.#open, this.#unread);
    this.#render(true);
  }

  #send(text: string): void {
    const entry = { clientMessageId: newClientMessageId(), text, createdAt: Date.now() };
    this.#messages.addPending(entry.clientMessageId, entry.text, entry.createdAt);
    this.#render(true);
    this.#outbox.add(entry);
  }

  /** A new session is in place: load its conversation, then listen and send what waits. */
  async #resync(): Promise<void> {
    const sync = ++this.#sync;
    this.#stream.stop();
    // Required mode and not verified: the chat API would answer 403, so nothing is asked.
    if (this.#refreshIdentityView()) return;
    for (let attempt = 0; sync === this.#sync; attempt++) {
      const { session } = this.#identity;
      if (!session) return;
      try {
        const history = await this.#api.history(session);
        if (sync !== this.#sync) return;
        if (history.identity) this.#identity.adopt(history.identity, session);
        this.#identity.setName(history.name);
        this.#messages.reset(history.messages);
        for (const message of history.messages) {
          if (message.clientMessageId) this.#outbox.confirm(message.clientMessageId);
        }
        this.#render(true);
        break;
      } catch (error) {
        if (error instanceof HttpError && error.status === 401) {
          void this.#identity.ended('unauthorized', session);
          return;
        }
        if (isIdentityRequired(error)) return this.#refuse();
        if (!isTransient(error) || attempt >= 4) break; // the stream still brings what is new
        await this.#waker.sleep(backoffDelay(attempt));
      }
    }
    if (sync !== this.#sync) return;
    // A new conversation has no seq for the stream to resume from, so a reply published before
    // the stream subscribes would be missed: what waits (typed during a switch) is sent first,
    // and the stream resumes after it (`Last-Event-ID`, docs/widget-api.md).
    if (this.#messages.lastSeq() === 0 && this.#outbox.entries().length > 0) {
      await Promise.race([this.#outbox.flush(), this.#waker.sleep(FIRST_SEND_WAIT_MS)]);
      if (sync !== this.#sync) return;
    }
    this.#stream.start();
    void this.#outbox.flush();
  }

  /** The session is being replaced: stop listening; what waits to be sent belongs to it. */
  #ending(): void {
    this.#sync++;
    this.#stream.stop();
    this.#ended ??= new Set(this.#outbox.entries().map((entry) => entry.clientMessageId));
  }

  /**
   * Another user signed in, logout, or a verified identity ended: nothing of the previous
   * conversation stays, on screen or in storage. Only what was typed since a switch began stays,
   * to be sent under the next session.
   */
  #forget(): void {
    this.#sync++;
    this.#stream.stop();
    this.#refreshIdentityView();
    const ended = this.#ended;
    this.#outbox.clear((entry) => ended !== undefined && !ended.has(entry.clientMessageId));
    this.#messages.clear();
    for (const entry of this.#outbox.entries()) {
      this.#messages.addPending(entry.clientMessageId, entry.text, entry.createdAt);
    }
    this.#unread = 0;
    this.#setTyping(null);
    // The live region still holds the last reply read out; it is in the page, if visually hidden.
    this.#view?.announce('');
    this.#view?.setOpen(this.#open, 0);
    this.#render(false);
  }

  #onEvent(event: SseEvent): void {
    let data: unknown;
    try {
      data = JSON.parse(event.data);
    } catch {
      return;
    }
    if (event.event === 'message') {
      const message = parseMessage(data);
      if (message) this.#show(message, true);
    } else if (event.event === 'typing') {
      const typing = parseTyping(data);
      if (typing) this.#setTyping(typing.typing ? typing.author : null);
    } else if (event.event === 'delta') {
      const delta = parseDelta(data);
      if (!delta) return;
      this.#setTyping(null);
      this.#messages.delta(delta.replyId, delta.text, Date.now());
      this.#render(false);
    } else if (event.event === 'session_ended') {
      // docs/widget-api.md: after `max_age` the stream just reconnects (the server closes it).
      const reason = parseSessionEnded(data);
      if (!reason || reason === 'max_age') return;
      this.#stream.stop();
      if (reason === 'logout') this.#token = undefined; // another tab logged out: as logout()
      void this.#identity.ended(reason, this.#streamSession);
    }
  }

  #show(message: Message, live: boolean): void {
    const previous = this.#messages.upsert(message);
    if (message.clientMessageId) this.#outbox.confirm(message.clientMessageId);
    if (message.author !== 'visitor') {
      this.#setTyping(null);
      if (live && (!previous || previous.status === 'streaming')) {
        if (!this.#open) {
          this.#unread++;
          this.#view?.setOpen(false, this.#unread);
        }
        this.#view?.announce(`${message.author === 'agent' ? 'Agent' : 'Bot'}: ${message.text}`);
      }
    }
    this.#render(false);
  }

  /**
   * docs/contract.md §5: the welcome with `{name}` filled only for a verified user, and, when the
   * bot wants verified users only and this one is not, "Please sign in to chat" instead of the
   * composer. Returns whether the chat is locked that way.
   */
  #refreshIdentityView(): boolean {
    const { source, name } = this.#identity;
    const verified = source === 'verified';
    const locked = !verified && (this.#config.identityMode === 'required' || this.#refused);
    this.#view?.setWelcome(welcomeText(this.#config.welcome, verified ? name : null));
    this.#view?.setLocked(locked);
    return locked;
  }

  /** A 403 `identity_required`: no stream, no sends, until a token verifies. */
  #refuse(): void {
    this.#refused = true;
    this.#sync++;
    this.#stream.stop();
    this.#refreshIdentityView();
  }

  #setTyping(author: 'bot' | 'agent' | null): void {
    clearTimeout(this.#typingTimer);
    this.#view?.setTyping(author);
    if (author) this.#typingTimer = setTimeout(() => this.#setTyping(null), TYPING_TIMEOUT_MS);
  }

  #render(scrollToEnd: boolean): void {
    this.#view?.render(this.#messages.items(), scrollToEnd);
  }
}

const isIdentityRequired = (error: unknown): boolean =>
  error instanceof HttpError && error.status === 403 && error.code === 'identity_required';

function sameUser(a: User | undefined, b: User | undefined): boolean {
  return a?.name === b?.name && a?.email === b?.email;
}
