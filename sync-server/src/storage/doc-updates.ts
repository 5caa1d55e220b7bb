import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { blob, int } from './rows.ts';

/**
 * The append-only update log of every Yjs document, one row per stored update. A document's state is the
 * ordered application of its rows; compaction replaces all rows of a document by one row of its state.
 */
export class DocUpdates {
  readonly #insert: StatementSync;
  readonly #load: StatementSync;
  readonly #count: StatementSync;
  readonly #deleteAll: StatementSync;

  constructor(db: DatabaseSync) {
    this.#insert = db.prepare('INSERT INTO doc_updates (doc_name, data, created_at) VALUES (?, ?, ?)');
    this.#load = db.prepare('SELECT data FROM doc_updates WHERE doc_name = ? ORDER BY id');
    this.#count = db.prepare('SELECT count(*) AS n FROM doc_updates WHERE doc_name = ?');
    this.#deleteAll = db.prepare('DELETE FROM doc_updates WHERE doc_name = ?');
  }

  /** Appends one update; call inside a transaction to group several. */
  append(docName: string, update: Uint8Array, now = Date.now()): void {
    this.#insert.run(docName, update, now);
  }

  load(docName: string): Uint8Array[] {
    return this.#load.all(docName).map((row) => blob(row, 'data'));
  }

  count(docName: string): number {
    return int(this.#count.get(docName) ?? { n: 0 }, 'n');
  }

  /** Replaces every row of a document by one snapshot row; call inside a transaction. */
  replaceAll(docName: string, snapshot: Uint8Array, now = Date.now()): void {
    this.#deleteAll.run(docName);
    this.#insert.run(docName, snapshot, now);
  }
}
