// Runs in a worker thread (see checkpointer.ts): its own connection to the database file, copying the WAL
// back into the database at a steady pace, so that the main thread's commits never do it themselves.
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';

interface Options {
  path: string;
  intervalMs: number;
}

const { path, intervalMs } = workerData as Options;
const db = new DatabaseSync(path);
// PASSIVE never waits for the writer: it copies what it can and leaves the rest for the next round.
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');

const timer = setInterval(() => {
  try {
    const row = checkpoint.get();
    const log = Number(row?.['log'] ?? 0);
    // Nothing to say while the WAL is empty (or was just started over): the main thread is not woken.
    if (log > 0) parentPort?.postMessage({ log, checkpointed: Number(row?.['checkpointed'] ?? 0) });
  } catch (error) {
    parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
}, intervalMs);

parentPort?.on('message', (message: unknown) => {
  if (message !== 'close') return;
  clearInterval(timer);
  try {
    db.close();
  } finally {
    parentPort?.close();
  }
});
