import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { int, text, textOrNull, type Row } from './rows.ts';

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
  readonly #insert: StatementSync;
  readonly #find: StatementSync;
  readonly #sharedWithCoach: StatementSync;
  readonly #grant: StatementSync;
  readonly #grantedTo: StatementSync;
  readonly #grantedToMember: StatementSync;

  constructor(db: DatabaseSync) {
    this.#insert = db.prepare(
      `INSERT INTO files (id, uploader_id, accompaniment_id, name, size, type, sha256, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#find = db.prepare('SELECT * FROM files WHERE id = ?');
    // A library item of the uploader, shared, holding this file, seen by a coach of the uploader's organisation.
    this.#sharedWithCoach = db.prepare(`SELECT EXISTS (
      SELECT 1 FROM library_items i
        JOIN memberships mo ON mo.user_id = i.owner_id
        JOIN memberships mc ON mc.organisation_id = mo.organisation_id
      WHERE i.file_id = ? AND i.owner_id = ? AND i.shared = 1 AND mc.user_id = ?) AS ok`);
    this.#grant = db.prepare(
      `INSERT OR IGNORE INTO file_grants (file_id, accompaniment_id, granted_at, granted_by)
       VALUES (?, ?, ?, ?)`,
    );
    this.#grantedTo = db.prepare('SELECT file_id FROM file_grants WHERE accompaniment_id = ?');
    this.#grantedToMember = db.prepare(`SELECT EXISTS (
      SELECT 1 FROM file_grants g JOIN accompaniments a ON a.id = g.accompaniment_id
      WHERE g.file_id = ? AND (a.coach_id = ? OR a.learner_id = ?)) AS ok`);
  }

  create(file: FileRecord): void {
    this.#insert.run(
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

  find(id: string): FileRecord | null {
    const row = this.#find.get(id);
    return row ? toFile(row) : null;
  }

  /** Whether a library file is in an item its uploader shares with an organisation `coachId` belongs to. */
  isSharedWithCoach(file: FileRecord, coachId: string): boolean {
    return this.#sharedWithCoach.get(file.id, file.uploaderId, coachId)?.['ok'] === 1;
  }

  /**
   * Records that a library file was copied into an accompaniment's pathway by its coach (FILE6); granting
   * twice keeps the first grant.
   */
  grant(grants: readonly FileGrant[]): void {
    for (const g of grants) this.#grant.run(g.fileId, g.accompanimentId, g.grantedAt, g.grantedBy);
  }

  /** The ids of the files granted to an accompaniment (FILE6). */
  grantedTo(accompanimentId: string): Set<string> {
    return new Set(this.#grantedTo.all(accompanimentId).map((row) => text(row, 'file_id')));
  }

  /** Whether `userId` is the coach or the learner of an accompaniment holding a grant for this file. */
  isGrantedToMember(fileId: string, userId: string): boolean {
    return this.#grantedToMember.get(fileId, userId, userId)?.['ok'] === 1;
  }
}
