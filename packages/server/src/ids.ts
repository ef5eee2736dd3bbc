import { randomBytes } from 'node:crypto';

export type IdPrefix = 'org' | 'usr' | 'bot' | 'wsk' | 'wss' | 'ctc' | 'cnv' | 'msg' | 'kb' | 'ads';

/** A new random id such as `bot_3f9a…` (96 bits from the CSPRNG, hex). */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}

/** Whether `value` looks like an id of that kind; used to reject junk before touching the database. */
export function isId(prefix: IdPrefix, value: string): boolean {
  return (
    value.length === prefix.length + 25 &&
    value.startsWith(`${prefix}_`) &&
    /^[0-9a-f]{24}$/.test(value.slice(prefix.length + 1))
  );
}
