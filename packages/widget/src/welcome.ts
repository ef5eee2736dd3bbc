// The welcome on screen (docs/contract.md §5, docs/widget-api.md "The welcome"): the bot's welcome
// as configured, its `{name}` filled with a VERIFIED name only. A self-reported name is never put
// in the bot's mouth, so for anyone else `{name}` goes, with the spaces and commas before it
// ("Hi {name}! How can we help?" → "Hi! How can we help?"). A verified user with a name whose bot
// kept the default welcome gets the default verified welcome, VERIFIED_WELCOME. The result is
// shown as text (textContent), never parsed as HTML.
import { VERIFIED_WELCOME, WIDGET_DEFAULTS } from '@hilal/contract/widget-defaults';

/**
 * `verifiedName`: the name in the verified claims, or null when the visitor is not verified (or
 * their token holds no name). Never pass a self-reported name.
 */
export function welcomeText(welcome: string, verifiedName: string | null | undefined): string {
  const name = verifiedName?.trim();
  if (!name) return welcome.replace(/[\s,]*\{name\}/g, '').replace(/^[\s,;:!.]+/, '');
  const template = welcome === WIDGET_DEFAULTS.welcome ? VERIFIED_WELCOME : welcome;
  // A function, so that `$&` or `$1` in a name is not read as a replacement pattern.
  return template.replace(/\{name\}/g, () => name);
}
