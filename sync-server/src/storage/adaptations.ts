import { int, text, textOrNull } from './rows.ts';
import type { Sql } from './sql.ts';

/** One entry of an accompaniment's adaptation log, as the server recorded it (PATH1). */
export interface AdaptationRecord {
  id: string;
  accompanimentId: string;
  /** Device time declared in the entry (never after `receivedAt`). */
  at: number;
  /** Server time when the entry reached the server. */
  receivedAt: number;
  /** The authenticated user whose connection or API call brought the entry; null when unknown (PATH3). */
  byUserId: string | null;
  /** The author the entry declares, kept when it differs from `byUserId`. */
  declaredBy: string | null;
  kind: string;
  stepId: string;
  stepTitle: string;
  reason: string | null;
}

export interface TimelineEntry extends AdaptationRecord {
  by: { id: string; name: string; role: 'coach' | 'learner' } | null;
}

export class Adaptations {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  /** Records entries not recorded yet (by id, per accompaniment) and refreshes the count; returns how many. */
  async record(entries: AdaptationRecord[]): Promise<number> {
    return this.#sql.transaction(async () => {
      let added = 0;
      const touched = new Set<string>();
      for (const e of entries) {
        const { changes } = await this.#sql.run(
          `INSERT INTO adaptations
             (id, accompaniment_id, at, received_at, by_user_id, declared_by, kind, step_id, step_title, reason)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT DO NOTHING`,
          e.id,
          e.accompanimentId,
          e.at,
          e.receivedAt,
          e.byUserId,
          e.declaredBy,
          e.kind,
          e.stepId,
          e.stepTitle,
          e.reason,
        );
        if (changes > 0) {
          added++;
          touched.add(e.accompanimentId);
        }
      }
      for (const id of touched)
        await this.#sql.run(
          `UPDATE accompaniments
              SET adaptations_count = (SELECT count(*) FROM adaptations WHERE accompaniment_id = ?1)
            WHERE id = ?1`,
          id,
        );
      return added;
    });
  }

  async ids(accompanimentId: string): Promise<Set<string>> {
    const rows = await this.#sql.all(
      'SELECT id FROM adaptations WHERE accompaniment_id = ?',
      accompanimentId,
    );
    return new Set(rows.map((row) => text(row, 'id')));
  }

  /** Newest first (device time, then receipt time). */
  async timeline(accompanimentId: string): Promise<TimelineEntry[]> {
    const rows = await this.#sql.all(
      // An entry whose bearer is unknown (PATH3) shows its declared author only when that is a member.
      `SELECT a.*, u.id AS u_id, u.name AS u_name, u.role AS u_role
         FROM adaptations a
         JOIN accompaniments acc ON acc.id = a.accompaniment_id
         LEFT JOIN users u ON u.id = CASE
           WHEN a.by_user_id IS NOT NULL THEN a.by_user_id
           WHEN a.declared_by IN (acc.coach_id, acc.learner_id) THEN a.declared_by
         END
        WHERE a.accompaniment_id = ?
        ORDER BY a.at DESC, a.received_at DESC, a.id DESC`,
      accompanimentId,
    );
    return rows.map((row) => {
      const userId = textOrNull(row, 'u_id');
      return {
        id: text(row, 'id'),
        accompanimentId: text(row, 'accompaniment_id'),
        at: int(row, 'at'),
        receivedAt: int(row, 'received_at'),
        byUserId: textOrNull(row, 'by_user_id'),
        declaredBy: textOrNull(row, 'declared_by'),
        kind: text(row, 'kind'),
        stepId: text(row, 'step_id'),
        stepTitle: text(row, 'step_title'),
        reason: textOrNull(row, 'reason'),
        by: userId
          ? {
              id: userId,
              name: text(row, 'u_name'),
              role: text(row, 'u_role') === 'learner' ? 'learner' : 'coach',
            }
          : null,
      };
    });
  }

  async count(accompanimentId: string): Promise<number> {
    return (await this.ids(accompanimentId)).size;
  }
}
