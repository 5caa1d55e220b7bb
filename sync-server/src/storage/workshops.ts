import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { WorkshopId } from '@compagnon/model';
import { int, text, textOrNull, type Row } from './rows.ts';

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
  readonly #insert: StatementSync;
  readonly #byId: StatementSync;
  readonly #forUser: StatementSync;
  readonly #participants: StatementSync;
  readonly #isParticipant: StatementSync;
  readonly #addParticipant: StatementSync;
  readonly #removeParticipant: StatementSync;
  readonly #vote: StatementSync;
  readonly #counts: StatementSync;
  readonly #myVote: StatementSync;

  constructor(db: DatabaseSync) {
    this.#insert = db.prepare('INSERT INTO workshops (id, coach_id, title, created_at) VALUES (?, ?, ?, ?)');
    this.#byId = db.prepare(`${SELECT} WHERE w.id = ?`);
    this.#forUser = db.prepare(
      `${SELECT} WHERE w.coach_id = ?1
          OR EXISTS (SELECT 1 FROM workshop_participants p WHERE p.workshop_id = w.id AND p.user_id = ?1)
        ORDER BY w.created_at DESC, w.id`,
    );
    this.#participants = db.prepare(
      `SELECT u.id, u.name, p.accompaniment_id FROM workshop_participants p JOIN users u ON u.id = p.user_id
        WHERE p.workshop_id = ? ORDER BY p.added_at, u.name, u.id`,
    );
    this.#isParticipant = db.prepare(
      'SELECT 1 AS one FROM workshop_participants WHERE workshop_id = ? AND user_id = ?',
    );
    this.#addParticipant = db.prepare(
      `INSERT OR IGNORE INTO workshop_participants (workshop_id, user_id, accompaniment_id, added_at)
       VALUES (?, ?, ?, ?)`,
    );
    this.#removeParticipant = db.prepare(
      'DELETE FROM workshop_participants WHERE workshop_id = ? AND user_id = ?',
    );
    this.#vote = db.prepare(
      `INSERT INTO workshop_votes (workshop_id, poll_id, user_id, option_id) VALUES (?, ?, ?, ?)
       ON CONFLICT (workshop_id, poll_id, user_id) DO UPDATE SET option_id = excluded.option_id`,
    );
    // Aggregated in SQL: the per-voter rows never leave the database (WS6).
    this.#counts = db.prepare(
      `SELECT option_id, count(*) AS n FROM workshop_votes WHERE workshop_id = ? AND poll_id = ?
        GROUP BY option_id`,
    );
    this.#myVote = db.prepare(
      'SELECT option_id FROM workshop_votes WHERE workshop_id = ? AND poll_id = ? AND user_id = ?',
    );
  }

  create(input: { id: WorkshopId; coachId: string; title: string; now: number }): void {
    this.#insert.run(input.id, input.coachId, input.title, input.now);
  }

  find(id: string): Workshop | null {
    const row = this.#byId.get(id);
    return row ? toWorkshop(row) : null;
  }

  /** The workshops a user leads or takes part in, most recent first. */
  listForUser(userId: string): Workshop[] {
    return this.#forUser.all(userId).map(toWorkshop);
  }

  participants(workshopId: string): WorkshopParticipant[] {
    return this.#participants.all(workshopId).map((row) => ({
      userId: text(row, 'id'),
      name: text(row, 'name'),
      accompanimentId: textOrNull(row, 'accompaniment_id'),
    }));
  }

  isParticipant(workshopId: string, userId: string): boolean {
    return this.#isParticipant.get(workshopId, userId) !== undefined;
  }

  /** Adds a participant; false when they already were one. */
  addParticipant(workshopId: string, userId: string, accompanimentId: string, now: number): boolean {
    return Number(this.#addParticipant.run(workshopId, userId, accompanimentId, now).changes) === 1;
  }

  /** Removes a participant (their past votes stay counted); false when they were not one. */
  removeParticipant(workshopId: string, userId: string): boolean {
    return Number(this.#removeParticipant.run(workshopId, userId).changes) === 1;
  }

  /** Records or replaces the user's vote on a poll. */
  vote(workshopId: string, pollId: string, userId: string, optionId: string): void {
    this.#vote.run(workshopId, pollId, userId, optionId);
  }

  /** Votes per option (options nobody chose are absent). */
  counts(workshopId: string, pollId: string): Map<string, number> {
    const out = new Map<string, number>();
    for (const row of this.#counts.all(workshopId, pollId)) out.set(text(row, 'option_id'), int(row, 'n'));
    return out;
  }

  myVote(workshopId: string, pollId: string, userId: string): string | null {
    const row = this.#myVote.get(workshopId, pollId, userId);
    return row ? text(row, 'option_id') : null;
  }
}
