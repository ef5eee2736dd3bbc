// The entry point of chat_v3.js: defines `window.HilalChat` (docs/contract.md §5), starts the widget
// from the script tag's data attributes when it has them, then makes the calls the embed
// snippet's stub queued before the script had loaded.
import { ChatWidget } from './chat-widget.js';
import { type EmbedStub, queuedCalls, replay } from './embed-queue.js';
import { optionsFromScript, resolveOptions } from './options.js';
import type { HilalChatApi, WidgetState } from './types.js';

declare global {
  interface Window {
    HilalChat?: HilalChatApi | EmbedStub;
  }
}

// Read while this script runs: `document.currentScript` is null once it has finished.
const script = document.currentScript instanceof HTMLScriptElement ? document.currentScript : null;
/** docs/contract.md §5: the server is, by default, where chat_v3.js was loaded from. */
const defaultServerUrl = script?.src ? new URL(script.src).origin : location.origin;

let widget: ChatWidget | undefined;

function started(method: string): ChatWidget {
  if (!widget) throw new TypeError(`HilalChat.${method}: call HilalChat.init({ … }) first.`);
  return widget;
}

const NOT_STARTED: WidgetState = Object.freeze({
  initialized: false,
  identity: 'anonymous',
  name: null,
  open: false,
  unread: 0,
  connected: false,
  messages: 0,
});

const api = Object.freeze<HilalChatApi>({
  version: '3.0.0',
  init(input) {
    const options = resolveOptions(input, defaultServerUrl);
    if (!widget) {
      widget = new ChatWidget(options);
      return widget.update(options);
    }
    const { orgId, botId, serverUrl } = widget.options;
    if (options.orgId !== orgId || options.botId !== botId || options.serverUrl !== serverUrl) {
      throw new TypeError(
        `HilalChat.init: already started for ${botId}; reload the page to change the bot or server.`,
      );
    }
    return widget.update(options);
  },
  setUserToken(token) {
    if (typeof token !== 'string' || token === '') {
      throw new TypeError('HilalChat.setUserToken: token must be a non-empty string.');
    }
    return started('setUserToken').setUserToken(token);
  },
  logout: () => started('logout').logout(),
  open: () => started('open').setOpen(true),
  close: () => started('close').setOpen(false),
  state: () => widget?.state() ?? NOT_STARTED,
  identity: () => widget?.identity() ?? { state: 'anonymous' },
});

/** Bad attributes or queued calls must not break the host page: say what is wrong, in the console. */
const report = (error: unknown) => console.error(error instanceof Error ? error.message : error);

// A page that includes the script twice keeps the first copy's state: init is idempotent. The
// stub, on the other hand, gives way to the real API.
const previous = window.HilalChat;
const hilal = previous && 'version' in previous ? previous : api;
window.HilalChat = hilal;

const fromScript = script && optionsFromScript(script);
if (fromScript) {
  try {
    void hilal.init(fromScript);
  } catch (error) {
    report(error);
  }
}
replay(queuedCalls(previous), hilal, report);
