import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { makeExistingFilePrivate, makePrivateDir } from '../db/data-dir.js';

export const MASTER_KEY_FILE = 'master.key';

/**
 * The master key that encrypts widget secrets at rest (docs/contract.md §3): `HILAL_MASTER_KEY` when set,
 * otherwise `<dataDir>/master.key`, created on first start. Creation uses `wx`, so two
 * processes starting at once agree on one key instead of overwriting each other. docs/contract.md §10: the
 * folder is made 0700 and the key file 0600, whatever their modes were before.
 */
export function loadMasterKey(configured: Buffer | undefined, dataDir: string): Buffer {
  if (configured !== undefined) return configured;
  const file = path.join(dataDir, MASTER_KEY_FILE);
  makePrivateDir(dataDir);
  try {
    fs.writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
  }
  makeExistingFilePrivate(file);
  const text = fs.readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/i.test(text)) {
    throw new Error(`${file} does not hold a 64-hex-character master key`);
  }
  return Buffer.from(text, 'hex');
}

function isAlreadyExists(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'EEXIST';
}
