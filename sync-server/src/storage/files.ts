import { int, text, textOrNull, type Row } from './rows.ts';
import type { Sql } from './sql.ts';

export interface FileRecord {
  id: string;
  uploaderId: string;
  /** Set when the file belongs to an accompaniment; null for a coach's library file (FILE4). */
  accompanimentId: string | null;
  name: string;
  size: number;
  /** The type recognised from the content (FILE2), never the one the client declared. */
  type: string;
  sha256: string;
  createdAt: number;
}

/** A library file copied into an accompaniment's pathway, readable by its members (FILE6). */
export interface FileGrant {
  fileId: string;
  accompanimentId: string;
  grantedAt: number;
  grantedBy: string;
}

function toFile(row: Row): FileRecord {
  return {
    id: text(row, 'id'),
    uploaderId: text(row, 'uploader_id'),
    accompanimentId: textOrNull(row, 'accompaniment_id'),
    name: text(row, 'name'),
    size: int(row, 'size'),
    type: text(row, 'type'),
    sha256: text(row, 'sha256'),
    createdAt: int(row, 'created_at'),
  };
}

/** Metadata of uploaded files; the bytes live in `DATA_DIR/files/<id>`. */
export class Files {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async create(file: FileRecord): Promise<void> {
    await this.#sql.run(
      `INSERT INTO files (id, uploader_id, accompaniment_id, name, size, type, sha256, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      file.id,
      file.uploaderId,
      file.accompanimentId,
      file.name,
      file.size,
      file.type,
      file.sha256,
      file.createdAt,
    );
  }

  async find(id: string): Promise<FileRecord | null> {
    const row = await this.#sql.get('SELECT * FROM files WHERE id = ?', id);
    return row ? toFile(row) : null;
  }

  /** Whether a library file is in an item its uploader shares with an organisation `coachId` belongs to. */
  async isSharedWithCoach(file: FileRecord, coachId: string): Promise<boolean> {
    // A library item of the uploader, shared, holding this file, seen by a coach of the uploader's organisation.
    const row = await this.#sql.get(
      `SELECT CASE WHEN EXISTS (
         SELECT 1 FROM library_items i
           JOIN memberships mo ON mo.user_id = i.owner_id
           JOIN memberships mc ON mc.organisation_id = mo.organisation_id
         WHERE i.file_id = ? AND i.owner_id = ? AND i.shared = 1 AND mc.user_id = ?) THEN 1 ELSE 0 END AS ok`,
      file.id,
      file.uploaderId,
      coachId,
    );
    return row?.['ok'] === 1;
  }

  /**
   * Records that a library file was copied into an accompaniment's pathway by its coach (FILE6); granting
   * twice keeps the first grant.
   */
  async grant(grants: readonly FileGrant[]): Promise<void> {
    for (const g of grants)
      await this.#sql.run(
        `INSERT INTO file_grants (file_id, accompaniment_id, granted_at, granted_by) VALUES (?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
        g.fileId,
        g.accompanimentId,
        g.grantedAt,
        g.grantedBy,
      );
  }

  /** The ids of the files granted to an accompaniment (FILE6). */
  async grantedTo(accompanimentId: string): Promise<Set<string>> {
    const rows = await this.#sql.all(
      'SELECT file_id FROM file_grants WHERE accompaniment_id = ?',
      accompanimentId,
    );
    return new Set(rows.map((row) => text(row, 'file_id')));
  }

  /** Whether `userId` is the coach or the learner of an accompaniment holding a grant for this file. */
  async isGrantedToMember(fileId: string, userId: string): Promise<boolean> {
    const row = await this.#sql.get(
      `SELECT CASE WHEN EXISTS (
         SELECT 1 FROM file_grants g JOIN accompaniments a ON a.id = g.accompaniment_id
         WHERE g.file_id = ?1 AND (a.coach_id = ?2 OR a.learner_id = ?2)) THEN 1 ELSE 0 END AS ok`,
      fileId,
      userId,
    );
    return row?.['ok'] === 1;
  }
}
