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
let timer: NodeJS.Timeout | null = null;

function round(): void {
  try {
    const row = checkpoint.get();
    const log = Number(row?.['log'] ?? 0);
    // Told right after a round, so the main thread's own catch-up falls between two rounds. Nothing is
    // said while the WAL is empty (or was just started over): the main thread is not woken for nothing.
    if (log > 0) parentPort?.postMessage({ log, checkpointed: Number(row?.['checkpointed'] ?? 0) });
  } catch (error) {
    parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
  // The next round starts a full interval after this one ended, however long it took.
  timer = setTimeout(round, intervalMs);
}
timer = setTimeout(round, intervalMs);
parentPort?.postMessage({ ready: true });

parentPort?.on('message', (message: unknown) => {
  if (message !== 'close') return;
  if (timer) clearTimeout(timer);
  try {
    db.close();
  } finally {
    parentPort?.close();
  }
});
