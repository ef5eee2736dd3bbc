// The thread behind `wal-checkpoints.ts`: its own connection to the SQLite file, checkpointing
// the write-ahead log at a steady pace and reporting each result.
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';

interface CheckpointRow {
  busy: number;
  log: number;
  checkpointed: number;
}

const { file, everyMs } = workerData as { file: string; everyMs: number };
const port = parentPort;
if (port === null) throw new Error('wal-checkpoint-worker runs as a worker thread');

const sqlite = new SQLite(file);
// PASSIVE neither waits for nor blocks the server's readers and writers: it copies what it can.
const checkpoint = sqlite.prepare('PRAGMA wal_checkpoint(PASSIVE)');

const timer = setInterval(() => {
  const atMs = Date.now();
  try {
    const { busy, log, checkpointed } = checkpoint.get() as CheckpointRow;
    port.postMessage({ busy, log, checkpointed, atMs });
  } catch (error) {
    port.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
}, everyMs);

port.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  sqlite.close();
  port.close();
});
