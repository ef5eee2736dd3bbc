import fs from 'node:fs';

/**
 * docs/contract.md §10: everything in `HILAL_DATA_DIR` is readable by its owner alone, whatever the umask
 * or the modes it had before. A mode given to `mkdir` or `open` applies only to what they
 * create, narrowed by the umask, so these helpers also set it explicitly.
 */
const PRIVATE_DIR_MODE = 0o700;
const PRIVATE_FILE_MODE = 0o600;

/** Creates `dir` (and its parents) if missing, and makes it 0700 either way. */
export function makePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  fs.chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Creates `file` empty if missing (never truncating it), and makes it 0600 either way. */
export function makePrivateFile(file: string): void {
  const fd = fs.openSync(file, 'a', PRIVATE_FILE_MODE);
  try {
    fs.fchmodSync(fd, PRIVATE_FILE_MODE);
  } finally {
    fs.closeSync(fd);
  }
}

/** Makes `file` 0600 if it exists; a missing file stays missing. */
export function makeExistingFilePrivate(file: string): void {
  try {
    fs.chmodSync(file, PRIVATE_FILE_MODE);
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'ENOENT')) throw error;
  }
}
