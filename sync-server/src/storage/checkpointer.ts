import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../log/logger.ts';

/** WAL size (frames, i.e. pages) from which the main connection lets the WAL start over (~16 MiB). */
const RESTART_FRAMES = 4000;
/** SQLite's default automatic checkpoint threshold, given back when the worker is gone. */
const AUTOCHECKPOINT_PAGES = 1000;

/**
 * The worker: its own connection to the database file, a PASSIVE checkpoint `intervalMs` after the end of
 * the previous one, and a report after each round that found frames in the WAL (the main thread is not
 * woken while the WAL is empty). Plain JavaScript evaluated in the worker rather than a .ts module: the
 * worker then needs no TypeScript loader of its own, which saves ~20 MB of memory.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(workerData.path);
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
let timer = null;
function round() {
  try {
    const row = checkpoint.get();
    const log = Number(row.log);
    if (log > 0) parentPort.postMessage({ log, checkpointed: Number(row.checkpointed) });
  } catch (error) {
    parentPort.postMessage({ error: String((error && error.message) || error) });
  }
  timer = setTimeout(round, workerData.intervalMs);
}
timer = setTimeout(round, workerData.intervalMs);
parentPort.postMessage({ ready: true });
parentPort.on('message', (message) => {
  if (message !== 'close') return;
  clearTimeout(timer);
  try {
    db.close();
  } finally {
    parentPort.close();
  }
});
`;

interface Report {
  ready?: boolean;
  log?: number;
  checkpointed?: number;
  error?: string;
}

/**
 * Moves WAL checkpoints off the event loop. By default SQLite checkpoints inside the COMMIT that pushes
 * the WAL past 1,000 pages: that commit copies every page back into the database file and syncs it (tens
 * of milliseconds, far more on a busy disk) while no client is served — it made the relay's p99. Here the
 * main connection does not checkpoint on its own (`wal_autocheckpoint = 0`); a worker thread with its own
 * connection runs a PASSIVE checkpoint every `intervalMs`, which copies the pages without ever blocking
 * the writer. Durability is unchanged: a transaction is durable once its COMMIT has written the WAL
 * (PERSIST3), checkpoint or not.
 *
 * SQLite only starts the WAL over when a write begins with every frame already copied, which never happens
 * while writes keep coming during the worker's checkpoints. So once the WAL is past `RESTART_FRAMES` and
 * the worker has just caught up, the main connection copies the few frames written since, itself, right
 * after a flush (`afterFlush`): a short pause every few seconds of sustained writing, after which the next
 * commit reuses the WAL from its start.
 */
export class Checkpointer {
  readonly #db: DatabaseSync;
  readonly #log: Logger;
  readonly #worker: Worker | null;
  #checkpoint: StatementSync | null = null;
  #catchUp = false;
  #exited: Promise<void> = Promise.resolve();
  /** Resolves once the worker has opened its connection (at once without a worker). */
  readonly ready: Promise<void>;

  constructor(db: DatabaseSync, log: Logger, intervalMs = 200) {
    this.#db = db;
    this.#log = log;
    const path = db.location();
    if (!path) {
      this.#worker = null;
      this.ready = Promise.resolve();
      return;
    }
    this.#worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, intervalMs } });
    this.#worker.unref();
    const worker = this.#worker;
    this.#exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    let ready!: () => void;
    this.ready = new Promise((resolve) => (ready = resolve));
    void this.#exited.then(ready);
    worker.on('message', (report: Report) => {
      if (report.ready) ready();
      else if (report.error === undefined && (report.log ?? 0) >= RESTART_FRAMES) this.#catchUp = true;
    });
    worker.on('error', (error) => {
      this.#log.error('Checkpoints du journal SQLite : le fil de travail s’est arrêté', error);
      this.#setAutocheckpoint(AUTOCHECKPOINT_PAGES);
    });
    this.#setAutocheckpoint(0);
  }

  /** Called by the group commit once a flush has sent everything: lets a long WAL start over. */
  afterFlush(): void {
    if (!this.#catchUp) return;
    this.#catchUp = false;
    if (!this.#db.isOpen || this.#db.isTransaction) return;
    try {
      this.#checkpoint ??= this.#db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
      // Busy: the worker's next round had already begun; try again after the next flush.
      if (Number(this.#checkpoint.get()?.['busy'] ?? 0) !== 0) this.#catchUp = true;
    } catch (error) {
      this.#log.error('Checkpoint du journal SQLite impossible', error);
    }
  }

  #setAutocheckpoint(pages: number): void {
    if (this.#db.isOpen) this.#db.exec(`PRAGMA wal_autocheckpoint = ${pages}`);
  }

  /** Stops the worker (its connection closed) and gives checkpoints back to the main connection. */
  async close(): Promise<void> {
    if (!this.#worker) return;
    // Held while closing: the process waits for the worker's connection to close.
    this.#worker.ref();
    this.#worker.postMessage('close');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, 2000)));
    await Promise.race([this.#exited, timeout]);
    clearTimeout(timer);
    await this.#worker.terminate();
    this.#setAutocheckpoint(AUTOCHECKPOINT_PAGES);
  }
}
