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

  constructor(db: DatabaseSync) {
    this.#insert = db.prepare(
      `INSERT INTO files (id, uploader_id, accompaniment_id, name, size, type, sha256, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#find = db.prepare('SELECT * FROM files WHERE id = ?');
    this.#learnerOfCoach = db.prepare(
      'SELECT 1 AS ok FROM accompaniments WHERE coach_id = ? AND learner_id = ? LIMIT 1',
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
}
