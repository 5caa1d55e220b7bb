import type { WorkshopId } from '@compagnon/model';
import { int, text, textOrNull, type Row } from './rows.ts';
import type { Sql } from './sql.ts';

/** A group workshop (WS1); its content lives in the `<id>.workshop` document. */
export interface Workshop {
  id: WorkshopId;
  title: string;
  coach: { id: string; name: string };
  createdAt: number;
  participantCount: number;
}

export interface WorkshopParticipant {
  userId: string;
  name: string;
  /** The coach's accompaniment they were added through (null once it no longer exists). */
  accompanimentId: string | null;
}

const SELECT = `
  SELECT w.id, w.title, w.created_at, c.id AS coach_id, c.name AS coach_name,
         (SELECT count(*) FROM workshop_participants p WHERE p.workshop_id = w.id) AS participant_count
  FROM workshops w
  JOIN users c ON c.id = w.coach_id`;

function toWorkshop(row: Row): Workshop {
  return {
    id: text(row, 'id') as WorkshopId,
    title: text(row, 'title'),
    coach: { id: text(row, 'coach_id'), name: text(row, 'coach_name') },
    createdAt: int(row, 'created_at'),
    participantCount: int(row, 'participant_count'),
  };
}

/** Workshops, their participants and the poll votes (WS1–WS7). */
export class Workshops {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async create(input: { id: WorkshopId; coachId: string; title: string; now: number }): Promise<void> {
    await this.#sql.run(
      'INSERT INTO workshops (id, coach_id, title, created_at) VALUES (?, ?, ?, ?)',
      input.id,
      input.coachId,
      input.title,
      input.now,
    );
  }

  async find(id: string): Promise<Workshop | null> {
    const row = await this.#sql.get(`${SELECT} WHERE w.id = ?`, id);
    return row ? toWorkshop(row) : null;
  }

  /** The workshops a user leads or takes part in, most recent first. */
  async listForUser(userId: string): Promise<Workshop[]> {
    const rows = await this.#sql.all(
      `${SELECT} WHERE w.coach_id = ?1
          OR EXISTS (SELECT 1 FROM workshop_participants p WHERE p.workshop_id = w.id AND p.user_id = ?1)
        ORDER BY w.created_at DESC, w.id`,
      userId,
    );
    return rows.map(toWorkshop);
  }

  async participants(workshopId: string): Promise<WorkshopParticipant[]> {
    const rows = await this.#sql.all(
      `SELECT u.id, u.name, p.accompaniment_id FROM workshop_participants p JOIN users u ON u.id = p.user_id
        WHERE p.workshop_id = ? ORDER BY p.added_at, u.name, u.id`,
      workshopId,
    );
    return rows.map((row) => ({
      userId: text(row, 'id'),
      name: text(row, 'name'),
      accompanimentId: textOrNull(row, 'accompaniment_id'),
    }));
  }

  async isParticipant(workshopId: string, userId: string): Promise<boolean> {
    const row = await this.#sql.get(
      'SELECT 1 AS one FROM workshop_participants WHERE workshop_id = ? AND user_id = ?',
      workshopId,
      userId,
    );
    return row !== undefined;
  }

  /** Adds a participant; false when they already were one. */
  async addParticipant(
    workshopId: string,
    userId: string,
    accompanimentId: string,
    now: number,
  ): Promise<boolean> {
    const result = await this.#sql.run(
      `INSERT INTO workshop_participants (workshop_id, user_id, accompaniment_id, added_at)
       VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      workshopId,
      userId,
      accompanimentId,
      now,
    );
    return result.changes === 1;
  }

  /** Removes a participant (their past votes stay counted); false when they were not one. */
  async removeParticipant(workshopId: string, userId: string): Promise<boolean> {
    const result = await this.#sql.run(
      'DELETE FROM workshop_participants WHERE workshop_id = ? AND user_id = ?',
      workshopId,
      userId,
    );
    return result.changes === 1;
  }

  /** Records or replaces the user's vote on a poll. */
  async vote(workshopId: string, pollId: string, userId: string, optionId: string): Promise<void> {
    await this.#sql.run(
      `INSERT INTO workshop_votes (workshop_id, poll_id, user_id, option_id) VALUES (?, ?, ?, ?)
       ON CONFLICT (workshop_id, poll_id, user_id) DO UPDATE SET option_id = excluded.option_id`,
      workshopId,
      pollId,
      userId,
      optionId,
    );
  }

  /** Votes per option (options nobody chose are absent). */
  async counts(workshopId: string, pollId: string): Promise<Map<string, number>> {
    // Aggregated in SQL: the per-voter rows never leave the database (WS6).
    const rows = await this.#sql.all(
      `SELECT option_id, count(*) AS n FROM workshop_votes WHERE workshop_id = ? AND poll_id = ?
        GROUP BY option_id`,
      workshopId,
      pollId,
    );
    const out = new Map<string, number>();
    for (const row of rows) out.set(text(row, 'option_id'), int(row, 'n'));
    return out;
  }

  async myVote(workshopId: string, pollId: string, userId: string): Promise<string | null> {
    const row = await this.#sql.get(
      'SELECT option_id FROM workshop_votes WHERE workshop_id = ? AND poll_id = ? AND user_id = ?',
      workshopId,
      pollId,
      userId,
    );
    return row ? text(row, 'option_id') : null;
  }
}
