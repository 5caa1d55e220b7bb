import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { AccompanimentId, AccompanimentKind } from '@compagnon/model';
import { isAccompanimentKind } from '@compagnon/model';
import { int, text, textOrNull, type Row } from './rows.ts';

export interface Accompaniment {
  id: AccompanimentId;
  title: string;
  kind: AccompanimentKind;
  hoursBudget: number;
  coach: { id: string; name: string };
  learner: { id: string; name: string; email: string } | null;
  createdAt: number;
}

const SELECT = `
  SELECT a.id, a.title, a.kind, a.hours_budget, a.created_at,
         c.id AS coach_id, c.name AS coach_name,
         l.id AS learner_id, l.name AS learner_name, l.email AS learner_email
  FROM accompaniments a
  JOIN users c ON c.id = a.coach_id
  LEFT JOIN users l ON l.id = a.learner_id`;

function toAccompaniment(row: Row): Accompaniment {
  const kind = text(row, 'kind');
  const learnerId = textOrNull(row, 'learner_id');
  const hours = row['hours_budget'];
  return {
    id: text(row, 'id') as AccompanimentId,
    title: text(row, 'title'),
    kind: isAccompanimentKind(kind) ? kind : 'autre',
    hoursBudget: typeof hours === 'number' ? hours : Number(hours),
    coach: { id: text(row, 'coach_id'), name: text(row, 'coach_name') },
    learner: learnerId
      ? { id: learnerId, name: text(row, 'learner_name'), email: text(row, 'learner_email') }
      : null,
    createdAt: int(row, 'created_at'),
  };
}

export class Accompaniments {
  readonly #insert: StatementSync;
  readonly #byId: StatementSync;
  readonly #byCoach: StatementSync;
  readonly #byLearner: StatementSync;
  readonly #setLearner: StatementSync;

  constructor(db: DatabaseSync) {
    this.#insert = db.prepare(
      `INSERT INTO accompaniments (id, title, kind, hours_budget, coach_id, learner_id, created_at)
       VALUES (?, ?, ?, ?, ?, NULL, ?)`,
    );
    this.#byId = db.prepare(`${SELECT} WHERE a.id = ?`);
    this.#byCoach = db.prepare(`${SELECT} WHERE a.coach_id = ? ORDER BY a.created_at DESC, a.id`);
    this.#byLearner = db.prepare(`${SELECT} WHERE a.learner_id = ? ORDER BY a.created_at DESC, a.id`);
    this.#setLearner = db.prepare(
      'UPDATE accompaniments SET learner_id = ? WHERE id = ? AND learner_id IS NULL',
    );
  }

  create(input: {
    id: AccompanimentId;
    title: string;
    kind: AccompanimentKind;
    hoursBudget: number;
    coachId: string;
  }): void {
    this.#insert.run(input.id, input.title, input.kind, input.hoursBudget, input.coachId, Date.now());
  }

  find(id: string): Accompaniment | null {
    const row = this.#byId.get(id);
    return row ? toAccompaniment(row) : null;
  }

  listForCoach(coachId: string): Accompaniment[] {
    return this.#byCoach.all(coachId).map(toAccompaniment);
  }

  listForLearner(learnerId: string): Accompaniment[] {
    return this.#byLearner.all(learnerId).map(toAccompaniment);
  }

  /** Links the learner; false when the accompaniment already has one. */
  setLearner(id: string, learnerId: string): boolean {
    return Number(this.#setLearner.run(learnerId, id).changes) === 1;
  }
}
