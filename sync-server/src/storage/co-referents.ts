import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { text } from './rows.ts';

/**
 * Co-referents (REPORT2): coaches of the organisation who share the coach's access to one accompaniment.
 * Access itself is read with the accompaniment (`Accompaniment.coReferentIds`, `roleIn`); this table is
 * only written by the organisation's manager.
 */
export class CoReferents {
  readonly #add: StatementSync;
  readonly #remove: StatementSync;
  readonly #list: StatementSync;

  constructor(db: DatabaseSync) {
    this.#add = db.prepare(
      `INSERT OR IGNORE INTO co_referents (accompaniment_id, coach_id, added_by, added_at) VALUES (?, ?, ?, ?)`,
    );
    this.#remove = db.prepare('DELETE FROM co_referents WHERE accompaniment_id = ? AND coach_id = ?');
    this.#list = db.prepare(
      `SELECT u.id, u.name FROM co_referents r JOIN users u ON u.id = r.coach_id
        WHERE r.accompaniment_id = ? ORDER BY u.name, u.id`,
    );
  }

  /** False when that coach already co-refers this accompaniment. */
  add(accompanimentId: string, coachId: string, addedBy: string, now: number): boolean {
    return Number(this.#add.run(accompanimentId, coachId, addedBy, now).changes) === 1;
  }

  /** False when that coach did not co-refer it. */
  remove(accompanimentId: string, coachId: string): boolean {
    return Number(this.#remove.run(accompanimentId, coachId).changes) === 1;
  }

  list(accompanimentId: string): { id: string; name: string }[] {
    return this.#list.all(accompanimentId).map((row) => ({ id: text(row, 'id'), name: text(row, 'name') }));
  }
}
