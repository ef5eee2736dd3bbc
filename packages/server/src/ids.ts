import { randomFillSync } from 'node:crypto';

export type IdPrefix =
  | 'org'
  | 'usr'
  | 'bot'
  | 'wsk'
  | 'wss'
  | 'ctc'
  | 'cnv'
  | 'msg'
  | 'kb'
  | 'ads'
  | 'aud'
  | 'vfl';

const POOL_SIZE = 4096;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let poolOffset = POOL_SIZE;

/**
 * `length` fresh bytes from the CSPRNG. Drawn from a pool refilled 4 KiB at a time, because one
 * `randomBytes` call costs as much as an HMAC; no byte is ever handed out twice.
 */
export function randomBytesFromPool(length: number): Buffer {
  if (length > POOL_SIZE) throw new TypeError('randomBytesFromPool: too many bytes at once');
  if (poolOffset + length > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const bytes = Buffer.from(pool.subarray(poolOffset, poolOffset + length));
  poolOffset += length;
  return bytes;
}

/** A new random id such as `bot_3f9a…` (96 bits from the CSPRNG, hex). */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBytesFromPool(12).toString('hex')}`;
}

/** Whether `value` looks like an id of that kind; used to reject junk before touching the database. */
export function isId(prefix: IdPrefix, value: string): boolean {
  return (
    value.length === prefix.length + 25 &&
    value.startsWith(`${prefix}_`) &&
    /^[0-9a-f]{24}$/.test(value.slice(prefix.length + 1))
  );
}
