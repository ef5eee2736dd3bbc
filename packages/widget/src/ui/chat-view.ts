// The widget on the page: a host element with an open shadow root holding all the markup and
// CSS (docs/contract.md §5: no style leaks either way), a launcher, the panel and a live region.
// The panel is built on first open.

import type { ViewMessage } from '../message-list.js';
import { PANEL_STYLES, STYLES } from '../styles.js';
import type { Appearance } from '../wire.js';
import { createComposer } from './composer.js';
import { h, ICONS, icon } from './dom.js';
import { createLauncher } from './launcher.js';
import { createMessageView, type MessageView } from './message-view.js';

export interface ChatViewHandlers {
  readonly onToggle: (open: boolean) => void;
  readonly onSend: (text: string) => void;
  readonly onRetry: (clientMessageId: string) => void;
}

export interface ChatView {
  setOpen(open: boolean, unread: number): void;
  render(items: readonly ViewMessage[], scrollToEnd: boolean): void;
  setTyping(author: 'bot' | 'agent' | null): void;
  /** Read out by screen readers, whether or not the panel is open. */
  announce(text: string): void;
  applyConfig(config: Appearance): void;
  /** The welcome as the visitor sees it (`welcomeText`), set as text; empty hides it. */
  setWelcome(text: string): void;
  /**
   * docs/contract.md §5, identity mode required: "Please sign in to chat" instead of the composer,
   * so nothing can be sent, until the visitor is verified.
   */
  setLocked(locked: boolean): void;
  remove(): void;
}

export function createChatView(handlers: ChatViewHandlers): ChatView {
  // A custom element name: the page's type selectors (`div`, `section`…) cannot match it.
  const host = document.createElement('hilal-chat');
  // Inline, so that page rules such as `body > * { transform: … }` cannot move the widget.
  host.style.cssText = 'all:initial;display:block';
  const shadow = host.attachShadow({ mode: 'open' });

  // What the panel shows, kept while it is not built: most visitors never open it, so a page
  // load builds only the launcher and the live region, and the panel's DOM comes on first open.
  let title = 'Chat';
  let welcomeText = '';
  let locked = false;
  let typingAuthor: 'bot' | 'agent' | null = null;
  let items: readonly ViewMessage[] = [];
  let panel: Panel | undefined;

  const isOpen = () => panel !== undefined && !panel.element.hidden;
  const launcher = createLauncher(() => handlers.onToggle(!isOpen()));
  const live = h('div', { class: 'sr', 'aria-live': 'polite' });
  const root = h('div', { class: 'root' }, launcher.element, live);
  // A constructed sheet is not inline CSS, so a host page's strict CSP (`style-src` without
  // 'unsafe-inline') does not block it; older browsers get a <style> element.
  const addStyles = (css: string) => {
    if ('adoptedStyleSheets' in shadow && 'replaceSync' in CSSStyleSheet.prototype) {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      shadow.adoptedStyleSheets = [...shadow.adoptedStyleSheets, sheet];
    } else {
      root.before(h('style', {}, css));
    }
  };
  shadow.append(root);
  addStyles(STYLES);
  launcher.update(false, 0);

  root.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && isOpen()) {
      event.stopPropagation();
      handlers.onToggle(false);
    }
  });

  const mount = () => document.body.append(host);
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount, { once: true });

  /** The panel, built the first time it is needed, showing what was set before. */
  function built(): Panel {
    if (panel) return panel;
    addStyles(PANEL_STYLES);
    panel = createPanel(handlers);
    panel.title.textContent = title;
    panel.setWelcome(welcomeText);
    panel.setLocked(locked);
    panel.setTyping(typingAuthor);
    panel.messages.render(items);
    root.prepend(panel.element);
    launcher.element.setAttribute('aria-controls', PANEL_ID);
    return panel;
  }

  return {
    setOpen(open, unread) {
      const wasOpen = isOpen();
      if (open) built().element.hidden = false;
      else if (panel) panel.element.hidden = true;
      root.toggleAttribute('data-open', open);
      launcher.update(open, unread);
      if (open && !wasOpen && panel) {
        panel.scrollToEnd();
        panel.focus();
      } else if (!open && wasOpen && shadow.activeElement) {
        // Focus was inside the panel that is now hidden: give it back to the launcher.
        launcher.element.focus();
      }
    },
    render(next, forceScroll) {
      items = next;
      // Hidden, it has no scroll position to keep: opening it scrolls to the end.
      if (isOpen()) panel?.render(next, forceScroll);
      else panel?.messages.render(next);
    },
    setTyping(author) {
      typingAuthor = author;
      panel?.setTyping(author);
    },
    announce(text) {
      live.textContent = text;
    },
    applyConfig(config) {
      title = config.title;
      if (panel) panel.title.textContent = title;
      root.dataset.position = config.position;
      // CSS.supports keeps out anything but a colour, e.g. a url() that would fetch.
      if (CSS.supports('color', config.color)) root.style.setProperty('--accent', config.color);
    },
    setWelcome(text) {
      welcomeText = text;
      panel?.setWelcome(text);
    },
    setLocked(value) {
      locked = value;
      panel?.setLocked(value);
    },
    remove() {
      host.remove();
    },
  };
}

const PANEL_ID = 'hilal-panel';

/** The chat panel: its header, the messages, the typing indicator and the composer. */
interface Panel {
  readonly element: HTMLElement;
  readonly title: HTMLElement;
  readonly messages: MessageView;
  render(items: readonly ViewMessage[], forceScroll: boolean): void;
  setTyping(author: 'bot' | 'agent' | null): void;
  setWelcome(text: string): void;
  setLocked(locked: boolean): void;
  scrollToEnd(): void;
  focus(): void;
}

function createPanel(handlers: ChatViewHandlers): Panel {
  const title = h('h2', { id: 'hilal-title' });
  const close = h(
    'button',
    { type: 'button', class: 'close', 'aria-label': 'Close chat' },
    icon(ICONS.close),
  );
  const welcome = h('p', { class: 'bubble welcome', hidden: true });
  const messages = createMessageView(handlers.onRetry);
  const typingLabel = h('span', { class: 'sr' });
  const typing = h('div', { class: 'typing', hidden: true }, typingLabel, h('i'), h('i'), h('i'));
  const body = h('div', { class: 'body' }, welcome, messages.element, typing);
  const composer = createComposer(handlers.onSend);
  const signIn = h(
    'p',
    { class: 'signin', role: 'status', hidden: true },
    'Please sign in to chat',
  );
  const element = h(
    'section',
    { id: PANEL_ID, class: 'panel', role: 'dialog', 'aria-labelledby': 'hilal-title' },
    h('div', { class: 'head' }, title, close),
    body,
    composer.element,
    signIn,
  );
  close.addEventListener('click', () => handlers.onToggle(false));

  const scrollToEnd = () => {
    body.scrollTop = body.scrollHeight;
  };
  return {
    element,
    title,
    messages,
    render(items, forceScroll) {
      const atEnd = body.scrollHeight - body.scrollTop - body.clientHeight < 48;
      messages.render(items);
      if (atEnd || forceScroll) scrollToEnd();
    },
    setTyping(author) {
      typing.hidden = author === null;
      typingLabel.textContent = author === 'agent' ? 'An agent is typing' : 'The bot is typing';
      if (author && !element.hidden) scrollToEnd();
    },
    setWelcome(text) {
      welcome.textContent = text;
      welcome.hidden = text === '';
    },
    setLocked(locked) {
      composer.element.hidden = locked;
      signIn.hidden = !locked;
    },
    scrollToEnd,
    focus: composer.focus,
  };
}
