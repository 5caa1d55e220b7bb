// What the server stored, read straight from its SQLite file once it has stopped (PERSIST1): every row
// must decode and integrate, and together leave nothing pending.
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import * as Y from 'yjs';

/** The database file in `DATA_DIR` (sync-server/src/storage/db.ts). */
const DATABASE_FILE = 'compagnon.sqlite';

export interface StoredDoc {
  name: string;
  rows: number;
  bytes: number;
  /** Rows that did not decode or integrate (each a violation). */
  bad: string[];
  /** True when the rows leave structs or deletions waiting for updates that are not there. */
  pending: boolean;
  doc: Y.Doc;
}

export function readStoredDocs(dataDir: string, names: readonly string[]): StoredDoc[] {
  const db = new DatabaseSync(path.join(dataDir, DATABASE_FILE), { readOnly: true });
  try {
    const select = db.prepare('SELECT id, data FROM doc_updates WHERE doc_name = ? ORDER BY id');
    return names.map((name) => {
      const doc = new Y.Doc();
      const bad: string[] = [];
      const rows = select.all(name) as { id: number; data: Uint8Array }[];
      const bytes = rows.reduce((sum, row) => sum + row.data.length, 0);
      for (const row of rows) {
        try {
          Y.decodeUpdate(row.data);
          Y.applyUpdate(doc, row.data);
        } catch (error) {
          bad.push(`ligne ${row.id} : ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      const pending = doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
      return { name, rows: rows.length, bytes, bad, pending, doc };
    });
  } finally {
    db.close();
  }
}

/** True when two documents hold the same structs and the same deletions. */
export function sameState(a: Y.Doc, b: Y.Doc): boolean {
  return Y.equalSnapshots(Y.snapshot(a), Y.snapshot(b));
}
