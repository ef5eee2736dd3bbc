// Validates what a host passes to `init` (or writes on the script tag). Misuse throws a
// TypeError that names the option, as the host's developer is the one who has to fix it.
import type { User } from './identity.js';
import type { InitAppearance, InitOptions, UserTokenProvider } from './types.js';
import { isObject } from './wire.js';

export interface ResolvedOptions {
  readonly orgId: string;
  readonly botId: string;
  readonly serverUrl: string;
  readonly token: string | undefined;
  readonly user: User | undefined;
  readonly provider: UserTokenProvider | undefined;
  /** Only the fields the host set. */
  readonly appearance: InitAppearance;
}

const ID = { organizationId: /^org_[A-Za-z0-9]{1,64}$/, botId: /^bot_[A-Za-z0-9]{1,64}$/ };

function fail(message: string): never {
  throw new TypeError(`HilalChat.init: ${message}`);
}

function optionalText(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') fail(`${name} must be a string.`);
  return value.trim() || undefined;
}

export function resolveOptions(input: unknown, defaultServerUrl: string): ResolvedOptions {
  if (!isObject(input)) fail('expected an options object, e.g. { organizationId, botId }.');
  const ids = { organizationId: '', botId: '' };
  for (const key of ['organizationId', 'botId'] as const) {
    const value = input[key];
    if (typeof value !== 'string' || !ID[key].test(value)) {
      fail(`${key} must be a string like "${key === 'botId' ? 'bot' : 'org'}_…".`);
    }
    ids[key] = value;
  }

  let user: User | undefined;
  if (input.user !== undefined && input.user !== null) {
    if (!isObject(input.user)) fail('user must be an object { name?, email? }.');
    const name = optionalText(input.user.name, 'user.name');
    const email = optionalText(input.user.email, 'user.email');
    if (name || email) user = { ...(name ? { name } : {}), ...(email ? { email } : {}) };
  }

  const hostProvider = input.userTokenProvider;
  if (hostProvider !== undefined && typeof hostProvider !== 'function') {
    fail('userTokenProvider must be a function returning a token (or a promise of one).');
  }
  // Whatever the host's function returns is checked where it is called (askForToken).
  const provider: UserTokenProvider | undefined = hostProvider && (() => hostProvider());

  return {
    orgId: ids.organizationId,
    botId: ids.botId,
    serverUrl: normalizeServerUrl(optionalText(input.serverUrl, 'serverUrl') ?? defaultServerUrl),
    token: optionalText(input.userToken, 'userToken'),
    user,
    provider,
    appearance: resolveAppearance(input.appearance),
  };
}

function resolveAppearance(input: unknown): InitAppearance {
  if (input === undefined || input === null) return {};
  if (!isObject(input)) fail('appearance must be an object { color?, title?, position? }.');
  const color = optionalText(input.color, 'appearance.color');
  if (color !== undefined && !/^#[0-9a-f]{6}$/i.test(color))
    fail('appearance.color must be # and six hexadecimal digits, like "#0f766e".');
  const title = optionalText(input.title, 'appearance.title');
  const position = optionalText(input.position, 'appearance.position');
  if (position !== undefined && position !== 'right' && position !== 'left')
    fail('appearance.position must be "right" or "left".');
  return {
    ...(color ? { color } : {}),
    ...(title ? { title } : {}),
    ...(position ? { position } : {}),
  };
}

/** An absolute http(s) URL, without a trailing slash, to which API paths are appended. */
function normalizeServerUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    fail('serverUrl must be an absolute URL such as "https://chat.example.com".');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail('serverUrl must be http(s).');
  return (url.origin + url.pathname).replace(/\/+$/, '');
}

/** docs/contract.md §5: a token goes only to an https server, or to localhost / 127.0.0.1. */
export function canSendToken(serverUrl: string): boolean {
  const { protocol, hostname } = new URL(serverUrl);
  return protocol === 'https:' || hostname === 'localhost' || hostname === '127.0.0.1';
}

/** The options a `<script data-org-id data-bot-id …>` tag carries (docs/contract.md §5). */
export function optionsFromScript(script: HTMLScriptElement): InitOptions | undefined {
  const data = script.dataset;
  if (data.orgId === undefined && data.botId === undefined) return undefined;
  return {
    organizationId: data.orgId ?? '',
    botId: data.botId ?? '',
    userToken: data.userToken,
    user: { name: data.userName, email: data.userEmail },
    // Checked like any other `init` option, in `resolveOptions`.
    appearance: {
      color: data.color,
      title: data.title,
      position: data.position as InitAppearance['position'],
    },
  };
}
