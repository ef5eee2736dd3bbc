import { CHATBOT_LIMITS, type UpdateBotBody } from '@hilal/contract/admin-api';
import { type FieldProblem, HilalError } from '../errors.js';
import { type BotSettings, codePoints } from './bot-settings.js';

/** A checked change: the new name, if any, and the settings to merge over the stored ones. */
export interface SettingsChange {
  readonly name?: string;
  readonly settings: Partial<BotSettings>;
}

const COLOR = /^#[0-9a-fA-F]{6}$/;

/**
 * Checks every field of a chatbot change at once (docs/contract.md §5, §7 Chatbots) and returns
 * it normalized: text trimmed, the colour lowercased, each origin as `URL.origin`, duplicates
 * dropped. Throws 400 `invalid_settings` listing each bad field with a fixed problem code, never
 * its value.
 *
 * @example
 * checkSettingsChange({ color: '#0F766E', allowedOrigins: ['https://shop.example/'] });
 * // { settings: { color: '#0f766e', allowedOrigins: ['https://shop.example'] } }
 */
export function checkSettingsChange(body: UpdateBotBody): SettingsChange {
  const problems: FieldProblem[] = [];
  const text = (field: 'name' | 'title' | 'welcome', max: number) => {
    const value = body[field];
    if (value === undefined) return undefined;
    const trimmed = value.trim();
    if (trimmed === '') problems.push({ field, problem: 'blank' });
    else if (codePoints(trimmed) > max) problems.push({ field, problem: 'too_long' });
    return trimmed;
  };
  const name = text('name', CHATBOT_LIMITS.name);
  const settings: { -readonly [K in keyof BotSettings]?: BotSettings[K] } = {};
  const title = text('title', CHATBOT_LIMITS.title);
  if (title !== undefined) settings.title = title;
  const welcome = text('welcome', CHATBOT_LIMITS.welcome);
  if (welcome !== undefined) settings.welcome = welcome;

  if (body.color !== undefined) {
    if (COLOR.test(body.color)) settings.color = body.color.toLowerCase();
    else problems.push({ field: 'color', problem: 'invalid_color' });
  }
  if (body.position !== undefined) {
    if (body.position === 'right' || body.position === 'left') settings.position = body.position;
    else problems.push({ field: 'position', problem: 'invalid_value' });
  }
  if (body.identityMode !== undefined) {
    if (body.identityMode === 'optional' || body.identityMode === 'required')
      settings.identityMode = body.identityMode;
    else problems.push({ field: 'identityMode', problem: 'invalid_value' });
  }
  if (body.allowedOrigins !== undefined) {
    const origins = new Set<string>();
    body.allowedOrigins.forEach((value, index) => {
      const origin = toOrigin(value);
      if (origin === undefined)
        problems.push({ field: `allowedOrigins[${index}]`, problem: 'invalid_origin' });
      else origins.add(origin);
    });
    if (origins.size > CHATBOT_LIMITS.allowedOrigins)
      problems.push({ field: 'allowedOrigins', problem: 'too_many' });
    settings.allowedOrigins = [...origins];
  }

  if (problems.length > 0) throw new HilalError('invalid_settings', {}, problems);
  return name === undefined ? { settings } : { name, settings };
}

/** Checks a new chatbot's name alone, as `checkSettingsChange` does. */
export function checkBotName(name: string): string {
  const change = checkSettingsChange({ name });
  return change.name ?? name;
}

/**
 * `value` as the origin a browser sends (`https://shop.example`, `http://localhost:8080`), or
 * undefined unless it is an http(s) origin and nothing more: no path, query, fragment or user.
 * `https://shop.example/` (the root path) is taken as `https://shop.example`.
 */
function toOrigin(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.username !== '' || url.password !== '') return undefined;
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') return undefined;
  // `URL` accepts `https://shop.example?` and `#`: empty, but typed, so not an origin either.
  if (/[?#]/.test(value)) return undefined;
  return url.origin;
}
