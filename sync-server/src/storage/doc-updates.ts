import { blob, int } from './rows.ts';
import type { Sql } from './sql.ts';

const APPEND_CHUNK = 500;

/** `(?, ?, ?), (?, ?, ?)…`, cached per length: the SQLite driver caches statements by their text. */
const valuesLists = new Map<number, string>();
function valuesList(n: number): string {
  let text = valuesLists.get(n);
  if (text === undefined) {
    text = Array.from({ length: n }, () => '(?, ?, ?)').join(', ');
    valuesLists.set(n, text);
  }
  return text;
}

const INSERT = 'INSERT INTO doc_updates (doc_name, data, created_at) VALUES (?, ?, ?) RETURNING id';

/**
 * The append-only update log of every Yjs document, one row per stored update. A document's state is the
 * ordered application of its rows; compaction replaces all rows of a document by one row of its state.
 */
export class DocUpdates {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  /** Appends one update and returns its row id; call inside a transaction to group several. */
  async append(docName: string, update: Uint8Array, now = Date.now()): Promise<number> {
    return int((await this.#sql.get(INSERT, docName, update, now))!, 'id');
  }

  /**
   * Appends several updates with as few statements as possible (one per 500 rows) and returns their row
   * ids in the order given; call inside a transaction. Ids grow in the order of the VALUES list on both
   * backends, so the ids returned (in no promised order) are sorted to match it.
   */
  async appendMany(
    rows: readonly (readonly [docName: string, update: Uint8Array])[],
    now = Date.now(),
  ): Promise<number[]> {
    const ids: number[] = [];
    for (let start = 0; start < rows.length; start += APPEND_CHUNK) {
      const chunk = rows.slice(start, start + APPEND_CHUNK);
      const params: (string | Uint8Array | number)[] = [];
      for (const [docName, update] of chunk) params.push(docName, update, now);
      const returned = await this.#sql.all(
        `INSERT INTO doc_updates (doc_name, data, created_at) VALUES ${valuesList(chunk.length)} RETURNING id`,
        ...params,
      );
      const chunkIds = returned.map((row) => int(row, 'id')).sort((a, b) => a - b);
      ids.push(...chunkIds);
    }
    return ids;
  }

  async load(docName: string): Promise<Uint8Array[]> {
    return (await this.loadWithIds(docName)).updates;
  }

  /** The updates in order, and the id of the last one (0 when there is none). */
  async loadWithIds(docName: string): Promise<{ updates: Uint8Array[]; lastId: number }> {
    const rows = await this.#sql.all(
      'SELECT id, data FROM doc_updates WHERE doc_name = ? ORDER BY id',
      docName,
    );
    const last = rows.at(-1);
    return { updates: rows.map((row) => blob(row, 'data')), lastId: last ? int(last, 'id') : 0 };
  }

  async count(docName: string): Promise<number> {
    return int(
      (await this.#sql.get('SELECT count(*) AS n FROM doc_updates WHERE doc_name = ?', docName))!,
      'n',
    );
  }

  /**
   * Removes the rows of a document up to `upToId` and returns their data, in one statement: a row another
   * instance commits meanwhile is either returned (and so merged into the snapshot) or left alone, never
   * deleted unseen. Call inside a transaction, with `append` of the snapshot.
   */
  async takeUpTo(docName: string, upToId = Number.MAX_SAFE_INTEGER): Promise<Uint8Array[]> {
    const rows = await this.#sql.all(
      'DELETE FROM doc_updates WHERE doc_name = ? AND id <= ? RETURNING id, data',
      docName,
      upToId,
    );
    rows.sort((a, b) => int(a, 'id') - int(b, 'id'));
    return rows.map((row) => blob(row, 'data'));
  }

  /**
   * Replaces the rows of a document up to `upToId` (all of them by default) by one snapshot row holding
   * their combined state; call inside a transaction. Rows written after `upToId` are kept: the snapshot
   * cannot contain what its author never applied. Returns the snapshot's row id.
   */
  async replaceUpTo(
    docName: string,
    snapshot: Uint8Array,
    upToId = Number.MAX_SAFE_INTEGER,
    now = Date.now(),
  ): Promise<number> {
    await this.#sql.run('DELETE FROM doc_updates WHERE doc_name = ? AND id <= ?', docName, upToId);
    return this.append(docName, snapshot, now);
  }
}
