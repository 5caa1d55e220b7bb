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
  readonly #learnerOfCoach: StatementSync;
  readonly #sharedWithCoach: StatementSync;
  readonly #sharedWithLearner: StatementSync;

  constructor(db: DatabaseSync) {
    this.#insert = db.prepare(
      `INSERT INTO files (id, uploader_id, accompaniment_id, name, size, type, sha256, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#find = db.prepare('SELECT * FROM files WHERE id = ?');
    this.#learnerOfCoach = db.prepare(
      'SELECT 1 AS ok FROM accompaniments WHERE coach_id = ? AND learner_id = ? LIMIT 1',
    );
    // A library item of the uploader, shared, holding this file, seen by a coach of the uploader's organisation.
    const sharedTo = (coach: string) => `EXISTS (
      SELECT 1 FROM library_items i
        JOIN memberships mo ON mo.user_id = i.owner_id
        JOIN memberships mc ON mc.organisation_id = mo.organisation_id
      WHERE i.file_id = ? AND i.owner_id = ? AND i.shared = 1 AND mc.user_id = ${coach})`;
    this.#sharedWithCoach = db.prepare(`SELECT ${sharedTo('?')} AS ok`);
    this.#sharedWithLearner = db.prepare(
      `SELECT 1 AS ok FROM accompaniments a WHERE a.learner_id = ? AND ${sharedTo('a.coach_id')} LIMIT 1`,
    );
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

  /** Whether `learnerId` is the learner of one of `coachId`'s accompaniments. */
  isLearnerOfCoach(learnerId: string, coachId: string): boolean {
    return this.#learnerOfCoach.get(coachId, learnerId) !== undefined;
  }

  /** Whether a library file is in an item its uploader shares with an organisation `coachId` belongs to. */
  isSharedWithCoach(file: FileRecord, coachId: string): boolean {
    return this.#sharedWithCoach.get(file.id, file.uploaderId, coachId)?.['ok'] === 1;
  }

  /** Whether `learnerId` is accompanied by a coach with whom this library file is shared. */
  isSharedWithLearner(file: FileRecord, learnerId: string): boolean {
    return this.#sharedWithLearner.get(learnerId, file.id, file.uploaderId) !== undefined;
  }
}
