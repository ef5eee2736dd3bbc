// What the widget remembers about the visitor between pages, under `hilal:<botId>:identity`.
// Never a token: only what it needs to decide whether a new sign-in is a different user.
import type { IdentitySource } from './types.js';
import { isObject, parseIdentity } from './wire.js';

export interface IdentityRecord {
  readonly source: IdentitySource;
  /** The last verified `sub` of this browser's conversation, kept after the token expires. */
  readonly sub?: string;
  /** Self-reported (or verified) details, to tell whether the host now reports other ones. */
  readonly name?: string;
  readonly email?: string;
}

export const ANONYMOUS: IdentityRecord = { source: 'anonymous' };

/** Reads a stored record, dropping anything malformed (storage is shared with the host page). */
export function parseIdentityRecord(text: string | null): IdentityRecord {
  let value: unknown;
  try {
    value = JSON.parse(text ?? 'null');
  } catch {
    return ANONYMOUS;
  }
  if (!isObject(value)) return ANONYMOUS;
  const nonEmpty = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const sub = nonEmpty(value.sub);
  const name = nonEmpty(value.name);
  const email = nonEmpty(value.email);
  return {
    source: parseIdentity(value.source) ?? 'anonymous',
    ...(sub === undefined ? {} : { sub }),
    ...(name === undefined ? {} : { name }),
    ...(email === undefined ? {} : { email }),
  };
}
