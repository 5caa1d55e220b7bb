// The end of life of an accompaniment's data: the closing workflow of a bilan (CLOSE), what the learner chose
// to keep and until when (retention), and the erasure requests of accounts (RGPD).
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { int, intOrNull, text, textOrNull, type Row } from './rows.ts';

export const KEEP_CHOICES = ['synthesis', 'exercises', 'files'] as const;
export type KeepChoice = (typeof KEEP_CHOICES)[number];

export type ClosingState = 'open' | 'requested' | 'agreed' | 'closed';

/** One destroyed document, as the proof of deletion names it (CLOSE4). */
export interface DestroyedDocument {
  name: string;
  /** Rows of the update log deleted. */
  updates: number;
  /** SHA-256 (hex) of `Y.encodeStateAsUpdate` of the document as it was destroyed. */
  sha256: string;
}

export interface KeptFile {
  kind: KeepChoice;
  fileId: string;
  name: string;
  sha256: string;
  retainUntil: number;
}

export interface ClosingProof {
  closedAt: number;
  closedBy: string;
  agreedAt: number;
  agreedBy: string;
  keep: KeepChoice[];
  documents: DestroyedDocument[];
  deletedFiles: string[];
  kept: KeptFile[];
}

/** Administrative facts read from the documents before they are destroyed, for the evidence pack (EVID2). */
export interface ClosingFacts {
  exercises: { title: string; placedAt: number; submittedAt: number | null }[];
}

export interface ClosingRecord {
  accompanimentId: string;
  requestedAt: number;
  requestedBy: string;
  agreedAt: number | null;
  agreedBy: string | null;
  keep: KeepChoice[] | null;
  /** The wording the learner agreed to, as shown to them (their written agreement). */
  agreementText: string | null;
  /** Execution started: the documents are refused from then on (CLOSE5). */
  lockedAt: number | null;
  closedAt: number | null;
  closedBy: string | null;
  proof: ClosingProof | null;
  facts: ClosingFacts | null;
}

export function closingState(record: ClosingRecord | null): ClosingState {
  if (!record) return 'open';
  if (record.proof) return 'closed';
  return record.agreedAt !== null ? 'agreed' : 'requested';
}

function json<T>(value: string | null): T | null {
  if (value === null) return null;
  try {
    return JSON.parse(value) as T;
  } catch {
    return null;
  }
}

function toClosing(row: Row): ClosingRecord {
  return {
    accompanimentId: text(row, 'accompaniment_id'),
    requestedAt: int(row, 'requested_at'),
    requestedBy: text(row, 'requested_by'),
    agreedAt: intOrNull(row, 'agreed_at'),
    agreedBy: textOrNull(row, 'agreed_by'),
    keep: json<KeepChoice[]>(textOrNull(row, 'keep')),
    agreementText: textOrNull(row, 'agreement_text'),
    lockedAt: intOrNull(row, 'locked_at'),
    closedAt: intOrNull(row, 'closed_at'),
    closedBy: textOrNull(row, 'closed_by'),
    proof: json<ClosingProof>(textOrNull(row, 'proof')),
    facts: json<ClosingFacts>(textOrNull(row, 'facts')),
  };
}

/**
 * Closing records, one per accompaniment (CLOSE1–CLOSE5). Never deleted (trigger); once the proof is
 * written, nothing of the row changes any more (trigger).
 */
export class Closings {
  readonly #find: StatementSync;
  readonly #request: StatementSync;
  readonly #agree: StatementSync;
  readonly #lock: StatementSync;
  readonly #finish: StatementSync;
  readonly #locked: StatementSync;
  readonly #destroy: StatementSync;

  constructor(db: DatabaseSync) {
    this.#destroy = db.prepare('DELETE FROM doc_updates WHERE doc_name = ?');
    this.#find = db.prepare('SELECT * FROM closings WHERE accompaniment_id = ?');
    this.#request = db.prepare(
      'INSERT INTO closings (accompaniment_id, requested_at, requested_by) VALUES (?, ?, ?)',
    );
    this.#agree = db.prepare(
      `UPDATE closings SET agreed_at = ?, agreed_by = ?, keep = ?, agreement_text = ?
        WHERE accompaniment_id = ? AND agreed_at IS NULL AND proof IS NULL`,
    );
    this.#lock = db.prepare(
      `UPDATE closings SET locked_at = coalesce(locked_at, ?), facts = coalesce(?, facts)
        WHERE accompaniment_id = ? AND agreed_at IS NOT NULL AND proof IS NULL`,
    );
    this.#finish = db.prepare(
      `UPDATE closings SET closed_at = ?, closed_by = ?, proof = ?
        WHERE accompaniment_id = ? AND locked_at IS NOT NULL AND proof IS NULL`,
    );
    this.#locked = db.prepare(
      'SELECT 1 AS one FROM closings WHERE accompaniment_id = ? AND locked_at IS NOT NULL',
    );
  }

  find(accompanimentId: string): ClosingRecord | null {
    const row = this.#find.get(accompanimentId);
    return row ? toClosing(row) : null;
  }

  /** Whether the accompaniment's documents are closed (or being destroyed): refused everywhere. */
  isLocked(accompanimentId: string): boolean {
    return this.#locked.get(accompanimentId) !== undefined;
  }

  /** Deletes every stored update of a document (its room must be closed); returns how many rows. */
  destroyDocument(docName: string): number {
    return Number(this.#destroy.run(docName).changes);
  }

  request(accompanimentId: string, byUserId: string, at: number): void {
    this.#request.run(accompanimentId, at, byUserId);
  }

  /** Records the learner's written agreement once; false when already agreed. */
  agree(accompanimentId: string, byUserId: string, keep: KeepChoice[], agreementText: string, at: number) {
    return (
      Number(this.#agree.run(at, byUserId, JSON.stringify(keep), agreementText, accompanimentId).changes) ===
      1
    );
  }

  /** Refuses the documents from now on and keeps the facts read from them; false when not agreed. */
  lock(accompanimentId: string, at: number, facts: ClosingFacts | null): boolean {
    return Number(this.#lock.run(at, facts ? JSON.stringify(facts) : null, accompanimentId).changes) === 1;
  }

  finish(accompanimentId: string, proof: ClosingProof): boolean {
    return (
      Number(
        this.#finish.run(proof.closedAt, proof.closedBy, JSON.stringify(proof), accompanimentId).changes,
      ) === 1
    );
  }
}

export interface RetainedFile {
  fileId: string;
  accompanimentId: string;
  kind: KeepChoice;
  retainUntil: number;
}

/** What the learner chose to keep after a closing, and until when (CLOSE4, one year). */
export class Retention {
  readonly #insert: StatementSync;
  readonly #due: StatementSync;
  readonly #purged: StatementSync;
  readonly #forAccompaniment: StatementSync;
  readonly #accompanimentFiles: StatementSync;
  readonly #uploadedBy: StatementSync;
  readonly #deleteFile: StatementSync;

  constructor(db: DatabaseSync) {
    this.#accompanimentFiles = db.prepare(
      'SELECT id, name, sha256 FROM files WHERE accompaniment_id = ? ORDER BY created_at, id',
    );
    this.#uploadedBy = db.prepare(
      'SELECT id, name, sha256 FROM files WHERE uploader_id = ? ORDER BY created_at, id',
    );
    // A file a library item or a grant still names is not an accompaniment's own: it stays (FILE6).
    this.#deleteFile = db.prepare(
      `DELETE FROM files WHERE id = ?1
         AND NOT EXISTS (SELECT 1 FROM file_grants WHERE file_id = ?1)
         AND NOT EXISTS (SELECT 1 FROM library_items WHERE file_id = ?1)`,
    );
    this.#insert = db.prepare(
      `INSERT OR IGNORE INTO retained_files (file_id, accompaniment_id, kind, retain_until) VALUES (?, ?, ?, ?)`,
    );
    this.#due = db.prepare(
      `SELECT file_id, accompaniment_id, kind, retain_until FROM retained_files
        WHERE purged_at IS NULL AND retain_until <= ? ORDER BY retain_until, file_id`,
    );
    this.#purged = db.prepare('UPDATE retained_files SET purged_at = ? WHERE file_id = ?');
    this.#forAccompaniment = db.prepare(
      `SELECT file_id, accompaniment_id, kind, retain_until FROM retained_files
        WHERE accompaniment_id = ? AND purged_at IS NULL ORDER BY kind, file_id`,
    );
  }

  add(file: RetainedFile): void {
    this.#insert.run(file.fileId, file.accompanimentId, file.kind, file.retainUntil);
  }

  due(now: number): RetainedFile[] {
    return this.#due.all(now).map(toRetained);
  }

  markPurged(fileId: string, at: number): void {
    this.#purged.run(at, fileId);
  }

  /** The files uploaded to an accompaniment (FILE1), kept ones included. */
  accompanimentFiles(accompanimentId: string): { id: string; name: string; sha256: string }[] {
    return this.#accompanimentFiles.all(accompanimentId).map(fileOf);
  }

  /** The files a person uploaded (their library files included). */
  uploadedBy(userId: string): { id: string; name: string; sha256: string }[] {
    return this.#uploadedBy.all(userId).map(fileOf);
  }

  /** Deletes a file's row unless a library item or a grant names it; true when deleted (bytes to remove). */
  deleteFile(fileId: string): boolean {
    return Number(this.#deleteFile.run(fileId).changes) === 1;
  }

  /** The files still kept for an accompaniment. */
  kept(accompanimentId: string): RetainedFile[] {
    return this.#forAccompaniment.all(accompanimentId).map(toRetained);
  }
}

const fileOf = (row: Row) => ({ id: text(row, 'id'), name: text(row, 'name'), sha256: text(row, 'sha256') });

function toRetained(row: Row): RetainedFile {
  return {
    fileId: text(row, 'file_id'),
    accompanimentId: text(row, 'accompaniment_id'),
    kind: text(row, 'kind') as KeepChoice,
    retainUntil: int(row, 'retain_until'),
  };
}

export interface DeletionRequest {
  userId: string;
  requestedAt: number;
  scheduledFor: number;
  cancelledAt: number | null;
  completedAt: number | null;
}

/** Account erasure requests (RGPD3): anonymised by the job once `scheduled_for` has passed. */
export class DeletionRequests {
  readonly #upsert: StatementSync;
  readonly #find: StatementSync;
  readonly #cancel: StatementSync;
  readonly #due: StatementSync;
  readonly #complete: StatementSync;
  readonly #sessions: StatementSync;
  readonly #endSessions: StatementSync;
  readonly #anonymise: (userId: string, pseudonym: string, email: string) => void;

  constructor(db: DatabaseSync) {
    this.#sessions = db.prepare('SELECT token_hash FROM sessions WHERE user_id = ?');
    this.#endSessions = db.prepare('DELETE FROM sessions WHERE user_id = ?');
    // The password becomes unusable ('!' is no hash).
    const user = db.prepare("UPDATE users SET name = ?, email = ?, password_hash = '!' WHERE id = ?");
    const feed = db.prepare('DELETE FROM calendar_feeds WHERE user_id = ?');
    const notes = db.prepare('UPDATE personal_time SET note = NULL WHERE user_id = ?');
    const invitations = db.prepare('UPDATE invitations SET email = ? WHERE used_by = ?');
    const orgInvitations = db.prepare('UPDATE organisation_invitations SET email = ? WHERE used_by = ?');
    this.#anonymise = (userId, pseudonym, email) => {
      user.run(pseudonym, email, userId);
      this.#endSessions.run(userId);
      feed.run(userId);
      notes.run(userId);
      invitations.run(email, userId);
      orgInvitations.run(email, userId);
    };
    // A new request after a cancelled one starts the grace period again.
    this.#upsert = db.prepare(
      `INSERT INTO deletion_requests (user_id, requested_at, scheduled_for) VALUES (?, ?, ?)
       ON CONFLICT (user_id) DO UPDATE SET requested_at = excluded.requested_at,
         scheduled_for = excluded.scheduled_for, cancelled_at = NULL
       WHERE deletion_requests.completed_at IS NULL`,
    );
    this.#find = db.prepare('SELECT * FROM deletion_requests WHERE user_id = ?');
    this.#cancel = db.prepare(
      `UPDATE deletion_requests SET cancelled_at = ?
        WHERE user_id = ? AND cancelled_at IS NULL AND completed_at IS NULL`,
    );
    this.#due = db.prepare(
      `SELECT * FROM deletion_requests
        WHERE cancelled_at IS NULL AND completed_at IS NULL AND scheduled_for <= ? ORDER BY scheduled_for`,
    );
    this.#complete = db.prepare('UPDATE deletion_requests SET completed_at = ? WHERE user_id = ?');
  }

  request(userId: string, at: number, scheduledFor: number): void {
    this.#upsert.run(userId, at, scheduledFor);
  }

  find(userId: string): DeletionRequest | null {
    const row = this.#find.get(userId);
    return row ? toRequest(row) : null;
  }

  cancel(userId: string, at: number): boolean {
    return Number(this.#cancel.run(at, userId).changes) === 1;
  }

  due(now: number): DeletionRequest[] {
    return this.#due.all(now).map(toRequest);
  }

  complete(userId: string, at: number): void {
    this.#complete.run(at, userId);
  }

  /** The ids of the person's open sessions (to close their connections). */
  sessionIds(userId: string): string[] {
    return this.#sessions.all(userId).map((row) => text(row, 'token_hash'));
  }

  /** Ends the person's sessions. */
  endSessions(userId: string): void {
    this.#endSessions.run(userId);
  }

  /**
   * Replaces the account's identity by a pseudonym (RGPD4): name, e-mail address (here and in the
   * invitations it accepted), password, sessions, calendar feed, the notes of their personal time. Rows that
   * refer to the account by id (attendance, appointments, audit) stay, now pseudonymised.
   */
  anonymiseAccount(userId: string, pseudonym: string, email: string): void {
    this.#anonymise(userId, pseudonym, email);
  }
}

function toRequest(row: Row): DeletionRequest {
  return {
    userId: text(row, 'user_id'),
    requestedAt: int(row, 'requested_at'),
    scheduledFor: int(row, 'scheduled_for'),
    cancelledAt: intOrNull(row, 'cancelled_at'),
    completedAt: intOrNull(row, 'completed_at'),
  };
}
