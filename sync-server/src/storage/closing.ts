// The end of life of an accompaniment's data: the closing workflow of a bilan (CLOSE), what the learner chose
// to keep and until when (retention), and the erasure requests of accounts (RGPD).
import { int, intOrNull, text, textOrNull, type Row } from './rows.ts';
import type { Sql } from './sql.ts';

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
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async find(accompanimentId: string): Promise<ClosingRecord | null> {
    const row = await this.#sql.get('SELECT * FROM closings WHERE accompaniment_id = ?', accompanimentId);
    return row ? toClosing(row) : null;
  }

  /** Whether the accompaniment's documents are closed (or being destroyed): refused everywhere. */
  async isLocked(accompanimentId: string): Promise<boolean> {
    const row = await this.#sql.get(
      'SELECT 1 AS one FROM closings WHERE accompaniment_id = ? AND locked_at IS NOT NULL',
      accompanimentId,
    );
    return row !== undefined;
  }

  /** Deletes every stored update of a document (its room must be closed); returns how many rows. */
  async destroyDocument(docName: string): Promise<number> {
    return (await this.#sql.run('DELETE FROM doc_updates WHERE doc_name = ?', docName)).changes;
  }

  async request(accompanimentId: string, byUserId: string, at: number): Promise<void> {
    await this.#sql.run(
      'INSERT INTO closings (accompaniment_id, requested_at, requested_by) VALUES (?, ?, ?)',
      accompanimentId,
      at,
      byUserId,
    );
  }

  /** Records the learner's written agreement once; false when already agreed. */
  async agree(
    accompanimentId: string,
    byUserId: string,
    keep: KeepChoice[],
    agreementText: string,
    at: number,
  ): Promise<boolean> {
    const { changes } = await this.#sql.run(
      `UPDATE closings SET agreed_at = ?, agreed_by = ?, keep = ?, agreement_text = ?
        WHERE accompaniment_id = ? AND agreed_at IS NULL AND proof IS NULL`,
      at,
      byUserId,
      JSON.stringify(keep),
      agreementText,
      accompanimentId,
    );
    return changes === 1;
  }

  /** Refuses the documents from now on and keeps the facts read from them; false when not agreed. */
  async lock(accompanimentId: string, at: number, facts: ClosingFacts | null): Promise<boolean> {
    const { changes } = await this.#sql.run(
      `UPDATE closings SET locked_at = coalesce(locked_at, ?), facts = coalesce(?, facts)
        WHERE accompaniment_id = ? AND agreed_at IS NOT NULL AND proof IS NULL`,
      at,
      facts ? JSON.stringify(facts) : null,
      accompanimentId,
    );
    return changes === 1;
  }

  async finish(accompanimentId: string, proof: ClosingProof): Promise<boolean> {
    const { changes } = await this.#sql.run(
      `UPDATE closings SET closed_at = ?, closed_by = ?, proof = ?
        WHERE accompaniment_id = ? AND locked_at IS NOT NULL AND proof IS NULL`,
      proof.closedAt,
      proof.closedBy,
      JSON.stringify(proof),
      accompanimentId,
    );
    return changes === 1;
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
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async add(file: RetainedFile): Promise<void> {
    await this.#sql.run(
      `INSERT INTO retained_files (file_id, accompaniment_id, kind, retain_until) VALUES (?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
      file.fileId,
      file.accompanimentId,
      file.kind,
      file.retainUntil,
    );
  }

  async due(now: number): Promise<RetainedFile[]> {
    const rows = await this.#sql.all(
      `SELECT file_id, accompaniment_id, kind, retain_until FROM retained_files
        WHERE purged_at IS NULL AND retain_until <= ? ORDER BY retain_until, file_id`,
      now,
    );
    return rows.map(toRetained);
  }

  async markPurged(fileId: string, at: number): Promise<void> {
    await this.#sql.run('UPDATE retained_files SET purged_at = ? WHERE file_id = ?', at, fileId);
  }

  /** The files uploaded to an accompaniment (FILE1), kept ones included. */
  async accompanimentFiles(accompanimentId: string): Promise<{ id: string; name: string; sha256: string }[]> {
    const rows = await this.#sql.all(
      'SELECT id, name, sha256 FROM files WHERE accompaniment_id = ? ORDER BY created_at, id',
      accompanimentId,
    );
    return rows.map(fileOf);
  }

  /** The files a person uploaded (their library files included). */
  async uploadedBy(userId: string): Promise<{ id: string; name: string; sha256: string }[]> {
    const rows = await this.#sql.all(
      'SELECT id, name, sha256 FROM files WHERE uploader_id = ? ORDER BY created_at, id',
      userId,
    );
    return rows.map(fileOf);
  }

  /** Deletes a file's row unless a library item or a grant names it; true when deleted (bytes to remove). */
  async deleteFile(fileId: string): Promise<boolean> {
    // A file a library item or a grant still names is not an accompaniment's own: it stays (FILE6).
    const { changes } = await this.#sql.run(
      `DELETE FROM files WHERE id = ?1
         AND NOT EXISTS (SELECT 1 FROM file_grants WHERE file_id = ?1)
         AND NOT EXISTS (SELECT 1 FROM library_items WHERE file_id = ?1)`,
      fileId,
    );
    return changes === 1;
  }

  /** The files still kept for an accompaniment. */
  async kept(accompanimentId: string): Promise<RetainedFile[]> {
    const rows = await this.#sql.all(
      `SELECT file_id, accompaniment_id, kind, retain_until FROM retained_files
        WHERE accompaniment_id = ? AND purged_at IS NULL ORDER BY kind, file_id`,
      accompanimentId,
    );
    return rows.map(toRetained);
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

const END_SESSIONS = 'DELETE FROM sessions WHERE user_id = ?';

/** Account erasure requests (RGPD3): anonymised by the job once `scheduled_for` has passed. */
export class DeletionRequests {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async request(userId: string, at: number, scheduledFor: number): Promise<void> {
    // A new request after a cancelled one starts the grace period again.
    await this.#sql.run(
      `INSERT INTO deletion_requests (user_id, requested_at, scheduled_for) VALUES (?, ?, ?)
       ON CONFLICT (user_id) DO UPDATE SET requested_at = excluded.requested_at,
         scheduled_for = excluded.scheduled_for, cancelled_at = NULL
       WHERE deletion_requests.completed_at IS NULL`,
      userId,
      at,
      scheduledFor,
    );
  }

  async find(userId: string): Promise<DeletionRequest | null> {
    const row = await this.#sql.get('SELECT * FROM deletion_requests WHERE user_id = ?', userId);
    return row ? toRequest(row) : null;
  }

  async cancel(userId: string, at: number): Promise<boolean> {
    const { changes } = await this.#sql.run(
      `UPDATE deletion_requests SET cancelled_at = ?
        WHERE user_id = ? AND cancelled_at IS NULL AND completed_at IS NULL`,
      at,
      userId,
    );
    return changes === 1;
  }

  async due(now: number): Promise<DeletionRequest[]> {
    const rows = await this.#sql.all(
      `SELECT * FROM deletion_requests
        WHERE cancelled_at IS NULL AND completed_at IS NULL AND scheduled_for <= ? ORDER BY scheduled_for, user_id`,
      now,
    );
    return rows.map(toRequest);
  }

  async complete(userId: string, at: number): Promise<void> {
    await this.#sql.run('UPDATE deletion_requests SET completed_at = ? WHERE user_id = ?', at, userId);
  }

  /** The ids of the person's open sessions (to close their connections). */
  async sessionIds(userId: string): Promise<string[]> {
    const rows = await this.#sql.all('SELECT token_hash FROM sessions WHERE user_id = ?', userId);
    return rows.map((row) => text(row, 'token_hash'));
  }

  /** Ends the person's sessions. */
  async endSessions(userId: string): Promise<void> {
    await this.#sql.run(END_SESSIONS, userId);
  }

  /**
   * Replaces the account's identity by a pseudonym (RGPD4): name, e-mail address (here and in the
   * invitations it accepted), password, sessions, calendar feed, the notes of their personal time. Rows that
   * refer to the account by id (attendance, appointments, audit) stay, now pseudonymised. All at once, in one
   * transaction (joining the caller's).
   */
  async anonymiseAccount(userId: string, pseudonym: string, email: string): Promise<void> {
    await this.#sql.transaction(async () => {
      // The password becomes unusable ('!' is no hash).
      await this.#sql.run(
        "UPDATE users SET name = ?, email = ?, password_hash = '!' WHERE id = ?",
        pseudonym,
        email,
        userId,
      );
      await this.#sql.run(END_SESSIONS, userId);
      await this.#sql.run('DELETE FROM calendar_feeds WHERE user_id = ?', userId);
      await this.#sql.run('UPDATE personal_time SET note = NULL WHERE user_id = ?', userId);
      await this.#sql.run('UPDATE invitations SET email = ? WHERE used_by = ?', email, userId);
      await this.#sql.run('UPDATE organisation_invitations SET email = ? WHERE used_by = ?', email, userId);
    });
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
