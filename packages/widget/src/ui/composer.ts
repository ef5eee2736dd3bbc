// The text box and send button. Enter sends, Shift+Enter starts a new line.
import { h, ICONS, icon } from './dom.js';

/** docs/widget-api.md: a message holds 1–4000 characters. */
export const MAX_MESSAGE_LENGTH = 4000;

export interface Composer {
  readonly element: HTMLFormElement;
  focus(): void;
}

export function createComposer(onSend: (text: string) => void): Composer {
  const input = h('textarea', {
    rows: '1',
    'aria-label': 'Message',
    placeholder: 'Write a message…',
    maxlength: String(MAX_MESSAGE_LENGTH),
  });
  const element = h(
    'form',
    {},
    input,
    h('button', { type: 'submit', class: 'send', 'aria-label': 'Send' }, icon(ICONS.send)),
  );
  const submit = () => {
    const text = input.value.trim();
    if (!text) return;
    onSend(text);
    input.value = '';
    input.style.height = '';
    input.focus();
  };
  element.addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });
  input.addEventListener('keydown', (event) => {
    // isComposing: Enter also confirms an IME composition (Japanese, Chinese…); not a send.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });
  input.addEventListener('input', () => {
    input.style.height = '';
    input.style.height = `${Math.min(input.scrollHeight + 2, 120)}px`;
  });
  return { element, focus: () => input.focus() };
}
