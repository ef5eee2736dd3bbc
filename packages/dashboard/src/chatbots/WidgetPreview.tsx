import type { ChatbotDetail } from '@hilal/contract/admin-api';
import { useEffect, useState } from 'react';
import { useCurrentUser } from '../accounts/use-session';

/** The look being edited, before Save; a field that is not valid yet shows the saved one. */
export interface DraftAppearance {
  readonly color: string;
  readonly title: string;
  readonly position: 'right' | 'left';
}

// Typing in the Title field reloads the frame once the typing pauses, not on every key.
const RELOAD_DELAY_MS = 300;

const attribute = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * The page inside the preview: nothing but the real chat_v3.js, as a customer embeds it, with
 * the draft look in the script tag's `data-color`, `data-title` and `data-position` (the
 * dashboard's CSP allows no inline script, so not an `init` call).
 */
export function previewDocument(
  organizationId: string,
  botId: string,
  draft: DraftAppearance,
): string {
  const data = {
    'org-id': organizationId,
    'bot-id': botId,
    color: draft.color,
    title: draft.title,
    position: draft.position,
  };
  const attributes = Object.entries(data)
    .map(([name, value]) => ` data-${name}="${attribute(value)}"`)
    .join('');
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Widget preview</title>' +
    `</head><body><script src="/chat_v3.js"${attributes}></script></body></html>`
  );
}

/**
 * The real widget (`/chat_v3.js` from this server) in a sandboxed frame, showing the look being
 * edited before it is saved. It stays closed: opening it would put the caret in its composer and
 * take the keyboard focus away from the form around it.
 */
export function WidgetPreview({ bot, draft }: { bot: ChatbotDetail; draft: DraftAppearance }) {
  const { data: user } = useCurrentUser();
  const { color, title, position } = draft;
  const [shown, setShown] = useState(draft);
  useEffect(() => {
    const timer = setTimeout(() => setShown({ color, title, position }), RELOAD_DELAY_MS);
    return () => clearTimeout(timer);
  }, [color, title, position]);
  if (!user) return null;
  return (
    <section className="card stack preview" aria-labelledby="preview-heading">
      <h2 id="preview-heading">Preview</h2>
      <p className="hint">The live widget with the look above, saved or not; open it to try it.</p>
      <iframe
        key={`${shown.color}|${shown.title}|${shown.position}|${bot.settings.welcome}`}
        title="Widget preview"
        sandbox="allow-scripts allow-same-origin"
        srcDoc={previewDocument(user.organizationId, bot.id, shown)}
      />
    </section>
  );
}
