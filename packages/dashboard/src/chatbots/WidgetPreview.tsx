import type { ChatbotDetail } from '@hilal/contract/admin-api';
import { useCurrentUser } from '../accounts/use-session';

const attribute = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The page inside the preview: nothing but the real chat_v3.js, as a customer embeds it. */
export function previewDocument(organizationId: string, botId: string): string {
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Widget preview</title>' +
    '</head><body>' +
    `<script src="/chat_v3.js" data-org-id="${attribute(organizationId)}" data-bot-id="${attribute(botId)}"></script>` +
    '</body></html>'
  );
}

/**
 * The real widget (`/chat_v3.js` from this server) in a sandboxed frame, closed: opening it would
 * put the caret in its composer and take the keyboard focus away from the page around it. chat_v3.js reads
 * its appearance from the server (`GET /api/widget/config`) and takes none in `init`, so the
 * preview shows the saved values: it loads again after every Save (the chatbot's data changes,
 * and with it the frame's key).
 */
export function WidgetPreview({ bot }: { bot: ChatbotDetail }) {
  const { data: user } = useCurrentUser();
  if (!user) return null;
  const { color, title, position } = bot.settings;
  return (
    <section className="card stack preview" aria-labelledby="preview-heading">
      <h2 id="preview-heading">Preview</h2>
      <p className="hint">
        The live widget with the saved appearance; open it to try it. It reloads after Save.
      </p>
      <iframe
        key={`${color}|${title}|${position}|${bot.settings.welcome}`}
        title="Widget preview"
        sandbox="allow-scripts allow-same-origin"
        srcDoc={previewDocument(user.organizationId, bot.id)}
      />
    </section>
  );
}
