// The widget on the page: a host element with an open shadow root holding all the markup and
// CSS (docs/contract.md §5: no style leaks either way), a launcher, the panel and a live region.

import type { ViewMessage } from '../message-list.js';
import { STYLES } from '../styles.js';
import type { Appearance } from '../wire.js';
import { createComposer } from './composer.js';
import { h, ICONS, icon } from './dom.js';
import { createLauncher } from './launcher.js';
import { createMessageView } from './message-view.js';

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

  const title = h('h2', { id: 'hilal-title' }, 'Chat');
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
  const panel = h(
    'section',
    {
      id: 'hilal-panel',
      class: 'panel',
      role: 'dialog',
      'aria-labelledby': 'hilal-title',
      hidden: true,
    },
    h('div', { class: 'head' }, title, close),
    body,
    composer.element,
    signIn,
  );
  const launcher = createLauncher(() => handlers.onToggle(panel.hidden), 'hilal-panel');
  const live = h('div', { class: 'sr', 'aria-live': 'polite' });
  const root = h('div', { class: 'root' }, panel, launcher.element, live);
  // A constructed sheet is not inline CSS, so a host page's strict CSP (`style-src` without
  // 'unsafe-inline') does not block it; older browsers get a <style> element.
  if ('adoptedStyleSheets' in shadow && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLES);
    shadow.adoptedStyleSheets = [sheet];
  } else {
    shadow.append(h('style', {}, STYLES));
  }
  shadow.append(root);
  launcher.update(false, 0);

  close.addEventListener('click', () => handlers.onToggle(false));
  root.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !panel.hidden) {
      event.stopPropagation();
      handlers.onToggle(false);
    }
  });

  const mount = () => document.body.append(host);
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount, { once: true });

  const scrollToEnd = () => {
    body.scrollTop = body.scrollHeight;
  };

  return {
    setOpen(open, unread) {
      const wasOpen = !panel.hidden;
      panel.hidden = !open;
      root.toggleAttribute('data-open', open);
      launcher.update(open, unread);
      if (open && !wasOpen) {
        scrollToEnd();
        composer.focus();
      } else if (!open && wasOpen && shadow.activeElement) {
        // Focus was inside the panel that is now hidden: give it back to the launcher.
        launcher.element.focus();
      }
    },
    render(items, forceScroll) {
      const atEnd = body.scrollHeight - body.scrollTop - body.clientHeight < 48;
      messages.render(items);
      if (atEnd || forceScroll) scrollToEnd();
    },
    setTyping(author) {
      typing.hidden = author === null;
      typingLabel.textContent = author === 'agent' ? 'An agent is typing' : 'The bot is typing';
      if (author) scrollToEnd();
    },
    announce(text) {
      live.textContent = text;
    },
    applyConfig(config) {
      title.textContent = config.title;
      root.dataset.position = config.position;
      // CSS.supports keeps out anything but a colour, e.g. a url() that would fetch.
      if (CSS.supports('color', config.color)) root.style.setProperty('--accent', config.color);
    },
    setWelcome(text) {
      welcome.textContent = text;
      welcome.hidden = text === '';
    },
    setLocked(locked) {
      composer.element.hidden = locked;
      signIn.hidden = !locked;
    },
    remove() {
      host.remove();
    },
  };
}
