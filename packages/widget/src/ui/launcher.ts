// The round button that opens the chat, with the count of replies the visitor has not seen.
import { h, ICONS, icon } from './dom.js';

export interface Launcher {
  readonly element: HTMLButtonElement;
  update(open: boolean, unread: number): void;
}

export function createLauncher(onClick: () => void): Launcher {
  const badge = h('span', { class: 'badge', 'aria-hidden': 'true', hidden: true });
  const element = h(
    'button',
    { type: 'button', class: 'launcher', 'aria-expanded': 'false' },
    icon(ICONS.chat),
    badge,
  );
  element.addEventListener('click', onClick);
  return {
    element,
    update(open, unread) {
      element.setAttribute('aria-expanded', String(open));
      const unseen = unread === 1 ? ', 1 unread message' : `, ${unread} unread messages`;
      element.setAttribute('aria-label', `${open ? 'Close' : 'Open'} chat${unread ? unseen : ''}`);
      badge.textContent = unread > 99 ? '99+' : String(unread);
      badge.hidden = unread === 0;
    },
  };
}
