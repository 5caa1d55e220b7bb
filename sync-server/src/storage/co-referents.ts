import { text } from './rows.ts';
import type { Sql } from './sql.ts';

/**
 * Co-referents (REPORT2): coaches of the organisation who share the coach's access to one accompaniment.
 * Access itself is read with the accompaniment (`Accompaniment.coReferentIds`, `roleIn`); this table is
 * only written by the organisation's manager.
 */
export class CoReferents {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  /** False when that coach already co-refers this accompaniment. */
  async add(accompanimentId: string, coachId: string, addedBy: string, now: number): Promise<boolean> {
    const { changes } = await this.#sql.run(
      `INSERT INTO co_referents (accompaniment_id, coach_id, added_by, added_at) VALUES (?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
      accompanimentId,
      coachId,
      addedBy,
      now,
    );
    return changes === 1;
  }

  /** False when that coach did not co-refer it. */
  async remove(accompanimentId: string, coachId: string): Promise<boolean> {
    const { changes } = await this.#sql.run(
      'DELETE FROM co_referents WHERE accompaniment_id = ? AND coach_id = ?',
      accompanimentId,
      coachId,
    );
    return changes === 1;
  }

  async list(accompanimentId: string): Promise<{ id: string; name: string }[]> {
    const rows = await this.#sql.all(
      `SELECT u.id, u.name FROM co_referents r JOIN users u ON u.id = r.coach_id
        WHERE r.accompaniment_id = ? ORDER BY u.name, u.id`,
      accompanimentId,
    );
    return rows.map((row) => ({ id: text(row, 'id'), name: text(row, 'name') }));
  }
}
