import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { int, text, textOrNull, type Row } from './rows.ts';

export interface LibraryItemValues {
  kind: 'resource' | 'step';
  title: string;
  resourceKind: string | null;
  body: string | null;
  url: string | null;
  fileId: string | null;
  expectedKind: string | null;
  expectedPrompt: string | null;
}

export interface LibraryItem extends LibraryItemValues {
  id: string;
  ownerId: string;
  fileName: string | null;
  createdAt: number;
  updatedAt: number;
}

const SELECT = `SELECT i.*, f.name AS file_name FROM library_items i LEFT JOIN files f ON f.id = i.file_id`;

function toItem(row: Row): LibraryItem {
  return {
    id: text(row, 'id'),
    ownerId: text(row, 'owner_id'),
    kind: text(row, 'kind') === 'step' ? 'step' : 'resource',
    title: text(row, 'title'),
    resourceKind: textOrNull(row, 'resource_kind'),
    body: textOrNull(row, 'body'),
    url: textOrNull(row, 'url'),
    fileId: textOrNull(row, 'file_id'),
    fileName: textOrNull(row, 'file_name'),
    expectedKind: textOrNull(row, 'expected_kind'),
    expectedPrompt: textOrNull(row, 'expected_prompt'),
    createdAt: int(row, 'created_at'),
    updatedAt: int(row, 'updated_at'),
  };
}

/** A coach's own content library (LIB1): resources and step models, copied into pathways when used. */
export class Library {
  readonly #insert: StatementSync;
  readonly #update: StatementSync;
  readonly #delete: StatementSync;
  readonly #find: StatementSync;
  readonly #byOwner: StatementSync;

  constructor(db: DatabaseSync) {
    this.#insert = db.prepare(
      `INSERT INTO library_items (id, owner_id, kind, title, resource_kind, body, url, file_id,
                                  expected_kind, expected_prompt, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#update = db.prepare(
      `UPDATE library_items SET kind = ?, title = ?, resource_kind = ?, body = ?, url = ?, file_id = ?,
                                expected_kind = ?, expected_prompt = ?, updated_at = ?
       WHERE id = ? AND owner_id = ?`,
    );
    this.#delete = db.prepare('DELETE FROM library_items WHERE id = ? AND owner_id = ?');
    this.#find = db.prepare(`${SELECT} WHERE i.id = ? AND i.owner_id = ?`);
    this.#byOwner = db.prepare(`${SELECT} WHERE i.owner_id = ? ORDER BY i.updated_at DESC, i.id`);
  }

  #values(
    v: LibraryItemValues,
  ): [string, string, string | null, string | null, string | null, string | null] {
    return [v.kind, v.title, v.resourceKind, v.body, v.url, v.fileId];
  }

  create(id: string, ownerId: string, values: LibraryItemValues, now: number): void {
    this.#insert.run(
      id,
      ownerId,
      ...this.#values(values),
      values.expectedKind,
      values.expectedPrompt,
      now,
      now,
    );
  }

  /** False when the item does not exist or belongs to someone else. */
  update(id: string, ownerId: string, values: LibraryItemValues, now: number): boolean {
    const changes = this.#update.run(
      ...this.#values(values),
      values.expectedKind,
      values.expectedPrompt,
      now,
      id,
      ownerId,
    ).changes;
    return Number(changes) === 1;
  }

  delete(id: string, ownerId: string): boolean {
    return Number(this.#delete.run(id, ownerId).changes) === 1;
  }

  find(id: string, ownerId: string): LibraryItem | null {
    const row = this.#find.get(id, ownerId);
    return row ? toItem(row) : null;
  }

  listForOwner(ownerId: string): LibraryItem[] {
    return this.#byOwner.all(ownerId).map(toItem);
  }
}
