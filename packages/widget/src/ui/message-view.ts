// The message list. Bubbles are keyed, so a re-render moves or updates nodes instead of
// rebuilding them: focus stays on a retry button, and a screen reader does not hear it all again.
import type { ViewMessage } from '../message-list.js';
import { h } from './dom.js';

const SPEAKERS = { visitor: 'You', bot: 'Bot', agent: 'Agent' } as const;

interface Row {
  readonly li: HTMLLIElement;
  readonly bubble: HTMLParagraphElement;
  readonly meta: HTMLDivElement;
  item: ViewMessage | undefined;
}

export interface MessageView {
  readonly element: HTMLOListElement;
  render(items: readonly ViewMessage[]): void;
}

export function createMessageView(onRetry: (clientMessageId: string) => void): MessageView {
  const element = h('ol', { 'aria-label': 'Messages' });
  const rows = new Map<string, Row>();

  function update(row: Row, item: ViewMessage): void {
    row.item = item;
    row.li.dataset.author = item.author;
    row.li.dataset.status = item.status;
    row.bubble.replaceChildren(h('span', { class: 'sr' }, `${SPEAKERS[item.author]}: `), item.text);
    row.li.setAttribute('aria-busy', String(item.status === 'streaming'));
    const { clientMessageId } = item;
    if (item.status === 'failed' && clientMessageId) {
      const retry = h('button', { type: 'button', class: 'retry' }, 'Retry');
      retry.addEventListener('click', () => onRetry(clientMessageId));
      row.meta.replaceChildren('Not sent.', retry);
    } else {
      row.meta.replaceChildren(item.status === 'sending' ? 'Sending…' : '');
    }
    row.meta.hidden = item.status !== 'sending' && item.status !== 'failed';
  }

  return {
    element,
    render(items) {
      const keys = new Set(items.map((item) => item.key));
      for (const [key, row] of rows) {
        if (!keys.has(key)) {
          row.li.remove();
          rows.delete(key);
        }
      }
      items.forEach((item, index) => {
        let row = rows.get(item.key);
        if (!row) {
          const bubble = h('p', { class: 'bubble' });
          const meta = h('div', { class: 'meta' });
          row = { li: h('li', { class: 'msg' }, bubble, meta), bubble, meta, item: undefined };
          rows.set(item.key, row);
        }
        if (row.item !== item) update(row, item);
        const at = element.children[index];
        if (at !== row.li) element.insertBefore(row.li, at ?? null);
      });
    },
  };
}
