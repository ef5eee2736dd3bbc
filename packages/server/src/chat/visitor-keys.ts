import type { WidgetSession } from '../identity/widget-sessions.js';

/**
 * The keys a visitor's limits count under (docs/contract.md §10): the family of sessions behind one browser
 * (a session minted from another shares it, whatever session id it uses), and for a verified
 * user also the bot and `sub`, so fresh sessions from new tokens count together as well.
 */
export function visitorKeys(session: WidgetSession): string[] {
  const keys = [`family:${session.familyId}`];
  if (session.identity === 'verified' && session.sub !== null) {
    keys.push(`user:${session.chatbotId}:${session.sub}`);
  }
  return keys;
}
