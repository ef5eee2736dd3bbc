// What a bot looks like until its admins change it (docs/contract.md §5 appearance): the server answers
// `GET /api/widget/config` with these for a bot with no settings, and chat_v3.js shows them when
// it cannot reach the server. Plain values and nothing imported, so the widget bundles only
// these few strings (docs/widget-api.md "The contract package").

/** The default appearance, the `GET /api/widget/config` answer without its `botId`. */
export const WIDGET_DEFAULTS = {
  title: 'Chat with us',
  color: '#0f766e',
  position: 'right',
  welcome: 'Hi! Ask us anything.',
} as const;

/** The welcome for a verified visitor; `{name}` stands for the name in their token. */
export const VERIFIED_WELCOME = 'Hi {name}! How can we help?';
