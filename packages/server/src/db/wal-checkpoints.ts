import { EventEmitter, once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';

/** One checkpoint's result, as `PRAGMA wal_checkpoint` gives it: frames in the log, and copied. */
export interface WalCheckpoint {
  readonly log: number;
  readonly checkpointed: number;
  /** When it started, in epoch milliseconds. */
  readonly atMs: number;
}

export interface WalCheckpoints extends EventEmitter<{ checkpoint: [WalCheckpoint] }> {
  stop(): Promise<void>;
}

/**
 * If the server's own connection ran a fallback checkpoint, this many pages (about 40 MB) would
 * have piled up in the log: the background thread is well behind.
 */
const FALLBACK_PAGES = 10_000;

/**
 * Moves SQLite's checkpoints off the event loop. By default the connection that commits past
 * 1,000 pages of log copies them into the database and syncs the file, inside that commit:
 * every hundred or so chat messages one took 5–30 ms, and with it every request of the server
 * waited. Here a worker thread with a connection of its own checkpoints every `everyMs`
 * (`PRAGMA wal_checkpoint(PASSIVE)`, which never blocks a writer), and the server's connection
 * checkpoints itself only past `FALLBACK_PAGES`.
 */
export function checkpointInBackground(
  sqlite: SQLite.Database,
  file: string,
  everyMs: number,
): WalCheckpoints {
  sqlite.pragma(`wal_autocheckpoint = ${FALLBACK_PAGES}`);
  const worker = new Worker(new URL('./wal-checkpoint-worker.js', import.meta.url), {
    workerData: { file, everyMs },
  });
  // The command line's short runs and a server's shutdown must not wait for the thread.
  worker.unref();
  const events = new EventEmitter<{ checkpoint: [WalCheckpoint] }>();
  worker.on('message', (message: WalCheckpoint | { error: string }) => {
    if ('checkpointed' in message) events.emit('checkpoint', message);
  });
  // Without the thread the fallback still keeps the log bounded.
  worker.on('error', () => {});
  return Object.assign(events, {
    async stop() {
      const exited = once(worker, 'exit');
      worker.ref(); // until it has closed its connection
      worker.postMessage('stop');
      await exited;
    },
  });
}
