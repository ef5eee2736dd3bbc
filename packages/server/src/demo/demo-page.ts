import type { DemoIds } from './seed-demo.js';

export type DemoVisitor = 'signed-in' | 'anonymous' | 'self-reported';

export const DEMO_USER = {
  sub: 'demo-user-1',
  name: 'Amina Hassan',
  email: 'amina@example.com',
} as const;

// Embeds a value in an inline script: JSON, with `<` escaped so no `</script>` can close it.
const js = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

const MODES: Record<DemoVisitor, string> = {
  'signed-in': `Signed in as ${DEMO_USER.name}. The page's backend minted a token for her; the widget verifies it.`,
  anonymous: 'Not signed in. The widget chats anonymously; history stays in this browser.',
  'self-reported':
    'Not signed in, but the page passes a name and email. They are shown, never trusted.',
};

/** The demo page: it plays a customer's site that embeds the widget (docs/contract.md §5). */
export function renderDemoPage(
  ids: DemoIds,
  visitor: DemoVisitor,
  token: string | undefined,
): string {
  const options: Record<string, unknown> = { organizationId: ids.orgId, botId: ids.botId };
  if (visitor === 'signed-in') options.userToken = token;
  if (visitor === 'self-reported') options.user = { name: 'Sam Visitor', email: 'sam@example.com' };
  const links = (Object.keys(MODES) as DemoVisitor[])
    .map(
      (mode) =>
        `<a href="/demo?as=${mode}"${mode === visitor ? ' aria-current="page"' : ''}>${mode}</a>`,
    )
    .join(' · ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Demo Company — Hilal demo</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #1f2937; }
  header { background: #111827; color: #fff; padding: 1rem 2rem; }
  main { max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }
  a[aria-current] { font-weight: bold; }
  .note { background: #f3f4f6; border-radius: .5rem; padding: 1rem; }
</style>
</head>
<body>
<header><strong>Demo Company</strong> — a pretend shop that embeds Hilal</header>
<main>
  <p>Try the visitor kinds: ${links}</p>
  <p class="note">${MODES[visitor]}</p>
  <p>Ask the bot about shipping, returns or resetting your password, or ask for a human.</p>
</main>
<script src="/chat_v3.js"></script>
<script>
  window.HilalChat.init(Object.assign(${js(options)}, ${
    visitor === 'signed-in'
      ? `{ userTokenProvider: () => fetch('/demo/token', { method: 'POST' }).then((r) => (r.ok ? r.text() : null)) }`
      : '{}'
  }));
</script>
</body>
</html>`;
}
