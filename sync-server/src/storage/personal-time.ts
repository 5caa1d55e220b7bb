import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { int, text, textOrNull } from './rows.ts';

/** Time the learner spent on their own (research, exercises): shown apart, never provider time (SCHED7). */
export interface PersonalTime {
  id: string;
  date: string;
  minutes: number;
  note: string | null;
  createdAt: number;
}

export class PersonalTimes {
  readonly #insert: StatementSync;
  readonly #list: StatementSync;

  constructor(db: DatabaseSync) {
    this.#insert = db.prepare(
      `INSERT INTO personal_time (id, accompaniment_id, user_id, date, minutes, note, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#list = db.prepare(
      `SELECT id, date, minutes, note, created_at FROM personal_time
        WHERE accompaniment_id = ? ORDER BY date, created_at, id`,
    );
  }

  add(input: {
    id: string;
    accompanimentId: string;
    userId: string;
    date: string;
    minutes: number;
    note: string | null;
    now: number;
  }): PersonalTime {
    this.#insert.run(
      input.id,
      input.accompanimentId,
      input.userId,
      input.date,
      input.minutes,
      input.note,
      input.now,
    );
    return { id: input.id, date: input.date, minutes: input.minutes, note: input.note, createdAt: input.now };
  }

  list(accompanimentId: string): PersonalTime[] {
    return this.#list.all(accompanimentId).map((row) => ({
      id: text(row, 'id'),
      date: text(row, 'date'),
      minutes: int(row, 'minutes'),
      note: textOrNull(row, 'note'),
      createdAt: int(row, 'created_at'),
    }));
  }
}
