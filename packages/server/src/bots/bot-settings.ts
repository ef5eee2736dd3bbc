import { WIDGET_DEFAULTS } from '@hilal/contract/widget-defaults';

/**
 * A bot's widget settings (docs/contract.md §5 appearance, welcome, identity mode; §7 allowed
 * origins), parsed from its JSON column.
 */
export interface BotSettings {
  readonly title: string;
  readonly color: string;
  readonly position: 'right' | 'left';
  /** May hold `{name}`, which the widget fills with a verified user's name only (§5). */
  readonly welcome: string;
  /** Origins that may embed the bot; empty means any. */
  readonly allowedOrigins: readonly string[];
  /** `required`: only verified users may chat (§5); `optional` is the default. */
  readonly identityMode: 'optional' | 'required';
}

/** The contract's defaults, which chat_v3.js also shows when it cannot reach the server. */
export const DEFAULT_SETTINGS: BotSettings = {
  ...WIDGET_DEFAULTS,
  allowedOrigins: [],
  identityMode: 'optional',
};

/** Text length as people count it: code points, not UTF-16 units (an emoji is one). */
export function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** Reads stored settings; anything missing or ill-typed takes its default, never throws. */
export function parseBotSettings(json: string, botName?: string): BotSettings {
  let raw: Record<string, unknown> = {};
  try {
    const value: unknown = JSON.parse(json);
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      raw = value as Record<string, unknown>;
  } catch {
    // A damaged settings column must not take the widget down: defaults apply.
  }
  const text = (key: string, fallback: string, max = 200) => {
    const value = raw[key];
    return typeof value === 'string' && value.trim() !== '' && codePoints(value) <= max
      ? value
      : fallback;
  };
  const color = text('color', DEFAULT_SETTINGS.color);
  const origins = Array.isArray(raw.allowedOrigins)
    ? raw.allowedOrigins.filter((o): o is string => typeof o === 'string')
    : [];
  return {
    title: text('title', botName ?? DEFAULT_SETTINGS.title),
    color: /^#[0-9a-fA-F]{6}$/.test(color) ? color : DEFAULT_SETTINGS.color,
    position: raw.position === 'left' ? 'left' : 'right',
    welcome: text('welcome', DEFAULT_SETTINGS.welcome, 1000),
    allowedOrigins: origins,
    identityMode: raw.identityMode === 'required' ? 'required' : 'optional',
  };
}

/** Whether a request from `origin` may use the bot (no Origin header: not a browser, allowed). */
export function originAllowed(
  settings: Pick<BotSettings, 'allowedOrigins'>,
  origin: string | undefined,
): boolean {
  if (origin === undefined || settings.allowedOrigins.length === 0) return true;
  return settings.allowedOrigins.includes(origin);
}
