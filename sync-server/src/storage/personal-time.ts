import { int, text, textOrNull } from './rows.ts';
import type { Sql } from './sql.ts';

/** Time the learner spent on their own (research, exercises): shown apart, never provider time (SCHED7). */
export interface PersonalTime {
  id: string;
  date: string;
  minutes: number;
  note: string | null;
  createdAt: number;
}

export class PersonalTimes {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async add(input: {
    id: string;
    accompanimentId: string;
    userId: string;
    date: string;
    minutes: number;
    note: string | null;
    now: number;
  }): Promise<PersonalTime> {
    await this.#sql.run(
      `INSERT INTO personal_time (id, accompaniment_id, user_id, date, minutes, note, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
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

  async list(accompanimentId: string): Promise<PersonalTime[]> {
    const rows = await this.#sql.all(
      `SELECT id, date, minutes, note, created_at FROM personal_time
        WHERE accompaniment_id = ? ORDER BY date, created_at, id`,
      accompanimentId,
    );
    return rows.map((row) => ({
      id: text(row, 'id'),
      date: text(row, 'date'),
      minutes: int(row, 'minutes'),
      note: textOrNull(row, 'note'),
      createdAt: int(row, 'created_at'),
    }));
  }
}
