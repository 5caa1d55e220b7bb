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
  readonly #deleteUpTo: StatementSync;

  constructor(db: DatabaseSync) {
    this.#insert = db.prepare('INSERT INTO doc_updates (doc_name, data, created_at) VALUES (?, ?, ?)');
    this.#load = db.prepare('SELECT id, data FROM doc_updates WHERE doc_name = ? ORDER BY id');
    this.#count = db.prepare('SELECT count(*) AS n FROM doc_updates WHERE doc_name = ?');
    this.#deleteUpTo = db.prepare('DELETE FROM doc_updates WHERE doc_name = ? AND id <= ?');
  }

  /** Appends one update and returns its row id; call inside a transaction to group several. */
  append(docName: string, update: Uint8Array, now = Date.now()): number {
    return Number(this.#insert.run(docName, update, now).lastInsertRowid);
  }

  load(docName: string): Uint8Array[] {
    return this.loadWithIds(docName).updates;
  }

  /** The updates in order, and the id of the last one (0 when there is none). */
  loadWithIds(docName: string): { updates: Uint8Array[]; lastId: number } {
    const rows = this.#load.all(docName);
    const last = rows.at(-1);
    return { updates: rows.map((row) => blob(row, 'data')), lastId: last ? int(last, 'id') : 0 };
  }

  count(docName: string): number {
    return int(this.#count.get(docName) ?? { n: 0 }, 'n');
  }

  /**
   * Replaces the rows of a document up to `upToId` (all of them by default) by one snapshot row holding
   * their combined state; call inside a transaction. Rows written after `upToId` are kept: the snapshot
   * cannot contain what its author never applied. Returns the snapshot's row id.
   */
  replaceUpTo(
    docName: string,
    snapshot: Uint8Array,
    upToId = Number.MAX_SAFE_INTEGER,
    now = Date.now(),
  ): number {
    this.#deleteUpTo.run(docName, upToId);
    return Number(this.#insert.run(docName, snapshot, now).lastInsertRowid);
  }
}
