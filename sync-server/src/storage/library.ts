import { int, text, textOrNull, type Row } from './rows.ts';
import type { Sql } from './sql.ts';

export type LibraryItemKind = 'resource' | 'step' | 'exercise';

export interface LibraryItemValues {
  kind: LibraryItemKind;
  title: string;
  resourceKind: string | null;
  body: string | null;
  url: string | null;
  fileId: string | null;
  expectedKind: string | null;
  expectedPrompt: string | null;
  /** Visible to the other coaches of the owner's organisation (ORG4). */
  shared: boolean;
  /** An exercise's definition (LIB5), validated by the route; stored as JSON. */
  exercise?: unknown;
}

export interface LibraryItem extends LibraryItemValues {
  id: string;
  ownerId: string;
  ownerName: string;
  fileName: string | null;
  createdAt: number;
  updatedAt: number;
}

/** Only an exercise carries a definition. */
function exerciseJson(values: LibraryItemValues): string | null {
  return values.kind === 'exercise' && values.exercise != null ? JSON.stringify(values.exercise) : null;
}

const SELECT = `SELECT i.*, f.name AS file_name, u.name AS owner_name FROM library_items i
  JOIN users u ON u.id = i.owner_id LEFT JOIN files f ON f.id = i.file_id`;

/**
 * Whether the item `i` is visible to the coach bound twice as a parameter: their own, or shared by a coach of
 * one of their organisations (ORG4).
 */
export const VISIBLE_TO = `(i.owner_id = ? OR (i.shared = 1 AND EXISTS (
  SELECT 1 FROM memberships mo JOIN memberships mc ON mc.organisation_id = mo.organisation_id
  WHERE mo.user_id = i.owner_id AND mc.user_id = ?)))`;

function kindOf(value: string): LibraryItemKind {
  return value === 'step' || value === 'exercise' ? value : 'resource';
}

/** The stored definition as JSON; a row that cannot be read gives null (the route refuses to show it as valid). */
function exerciseOf(row: Row): unknown {
  const json = textOrNull(row, 'exercise');
  if (json === null) return null;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return null;
  }
}

function toItem(row: Row): LibraryItem {
  return {
    id: text(row, 'id'),
    ownerId: text(row, 'owner_id'),
    ownerName: text(row, 'owner_name'),
    kind: kindOf(text(row, 'kind')),
    title: text(row, 'title'),
    resourceKind: textOrNull(row, 'resource_kind'),
    body: textOrNull(row, 'body'),
    url: textOrNull(row, 'url'),
    fileId: textOrNull(row, 'file_id'),
    fileName: textOrNull(row, 'file_name'),
    expectedKind: textOrNull(row, 'expected_kind'),
    expectedPrompt: textOrNull(row, 'expected_prompt'),
    shared: int(row, 'shared') === 1,
    exercise: exerciseOf(row),
    createdAt: int(row, 'created_at'),
    updatedAt: int(row, 'updated_at'),
  };
}

/**
 * Coaches' content libraries (LIB1): resources, step models and exercises (LIB5), copied into pathways when
 * used; an item may be shared with the owner's organisation (ORG4).
 */
export class Library {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  #values(
    v: LibraryItemValues,
  ): [string, string, string | null, string | null, string | null, string | null] {
    return [v.kind, v.title, v.resourceKind, v.body, v.url, v.fileId];
  }

  async create(id: string, ownerId: string, values: LibraryItemValues, now: number): Promise<void> {
    await this.#sql.run(
      `INSERT INTO library_items (id, owner_id, kind, title, resource_kind, body, url, file_id,
                                  expected_kind, expected_prompt, shared, exercise, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      id,
      ownerId,
      ...this.#values(values),
      values.expectedKind,
      values.expectedPrompt,
      values.shared ? 1 : 0,
      exerciseJson(values),
      now,
      now,
    );
  }

  /** False when the item does not exist or belongs to someone else. */
  async update(id: string, ownerId: string, values: LibraryItemValues, now: number): Promise<boolean> {
    const result = await this.#sql.run(
      `UPDATE library_items SET kind = ?, title = ?, resource_kind = ?, body = ?, url = ?, file_id = ?,
                                expected_kind = ?, expected_prompt = ?, shared = ?, exercise = ?,
                                updated_at = ?
       WHERE id = ? AND owner_id = ?`,
      ...this.#values(values),
      values.expectedKind,
      values.expectedPrompt,
      values.shared ? 1 : 0,
      exerciseJson(values),
      now,
      id,
      ownerId,
    );
    return result.changes === 1;
  }

  async delete(id: string, ownerId: string): Promise<boolean> {
    const result = await this.#sql.run(
      'DELETE FROM library_items WHERE id = ? AND owner_id = ?',
      id,
      ownerId,
    );
    return result.changes === 1;
  }

  async find(id: string, ownerId: string): Promise<LibraryItem | null> {
    const row = await this.#sql.get(`${SELECT} WHERE i.id = ? AND i.owner_id = ?`, id, ownerId);
    return row ? toItem(row) : null;
  }

  /** The item when `coachId` may see it: their own or shared within their organisation (ORG4). */
  async findVisible(id: string, coachId: string): Promise<LibraryItem | null> {
    const row = await this.#sql.get(`${SELECT} WHERE i.id = ? AND ${VISIBLE_TO}`, id, coachId, coachId);
    return row ? toItem(row) : null;
  }

  /** What `coachId` sees: their own items and those shared by the coaches of their organisation. */
  async listVisible(coachId: string): Promise<LibraryItem[]> {
    const rows = await this.#sql.all(
      `${SELECT} WHERE ${VISIBLE_TO} ORDER BY i.updated_at DESC, i.id`,
      coachId,
      coachId,
    );
    return rows.map(toItem);
  }
}
