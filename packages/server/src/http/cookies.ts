/** Reads one cookie from a Cookie header (RFC 6265 syntax; our own cookies hold no `;` or `=`). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index !== -1 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}

export interface CookieOptions {
  readonly maxAgeS: number;
  readonly secure: boolean;
}

/** An HttpOnly, SameSite=Strict cookie scoped to the API. */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  const parts = [
    `${name}=${value}`,
    'Path=/api',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${options.maxAgeS}`,
  ];
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}
