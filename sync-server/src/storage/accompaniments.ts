import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { AccompanimentId, AccompanimentKind, Progress } from '@compagnon/model';
import { isAccompanimentKind } from '@compagnon/model';
import { int, intOrNull, text, textOrNull, type Row } from './rows.ts';
import { DEFAULT_INACTIVITY_DAYS } from './settings.ts';

export interface Accompaniment {
  id: AccompanimentId;
  title: string;
  kind: AccompanimentKind;
  hoursBudget: number;
  coach: { id: string; name: string };
  learner: { id: string; name: string; email: string } | null;
  createdAt: number;
  /** Projection of the shared document's pathway (PATH2); null until first computed. */
  progress: Progress | null;
  adaptationsCount: number;
  lastLearnerActivityAt: number | null;
  learnerJoinedAt: number | null;
  /** The coach's inactivity threshold (PATH5). */
  inactivityDays: number;
}

const SELECT = `
  SELECT a.id, a.title, a.kind, a.hours_budget, a.created_at,
         a.progress, a.adaptations_count, a.last_learner_activity_at, a.learner_joined_at,
         c.id AS coach_id, c.name AS coach_name,
         l.id AS learner_id, l.name AS learner_name, l.email AS learner_email,
         s.inactivity_days
  FROM accompaniments a
  JOIN users c ON c.id = a.coach_id
  LEFT JOIN users l ON l.id = a.learner_id
  LEFT JOIN user_settings s ON s.user_id = a.coach_id`;

const EMPTY_PROGRESS: Progress = { stepsTotal: 0, stepsDone: 0, byPhase: [] };

function readProgress(value: string | null): Progress | null {
  if (value === null) return null;
  try {
    const parsed = JSON.parse(value) as Progress;
    return parsed && typeof parsed === 'object' && Array.isArray(parsed.byPhase) ? parsed : EMPTY_PROGRESS;
  } catch {
    return EMPTY_PROGRESS;
  }
}

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
    progress: readProgress(textOrNull(row, 'progress')),
    adaptationsCount: int(row, 'adaptations_count'),
    lastLearnerActivityAt: intOrNull(row, 'last_learner_activity_at'),
    learnerJoinedAt: intOrNull(row, 'learner_joined_at'),
    inactivityDays: intOrNull(row, 'inactivity_days') ?? DEFAULT_INACTIVITY_DAYS,
  };
}

export class Accompaniments {
  readonly #insert: StatementSync;
  readonly #byId: StatementSync;
  readonly #byCoach: StatementSync;
  readonly #byLearner: StatementSync;
  readonly #setLearner: StatementSync;
  readonly #setProgress: StatementSync;
  readonly #activity: StatementSync;
  readonly #withoutProgress: StatementSync;
  readonly #learnerOf: StatementSync;

  constructor(db: DatabaseSync) {
    this.#insert = db.prepare(
      `INSERT INTO accompaniments (id, title, kind, hours_budget, coach_id, learner_id, created_at, progress)
       VALUES (?, ?, ?, ?, ?, NULL, ?, ?)`,
    );
    this.#byId = db.prepare(`${SELECT} WHERE a.id = ?`);
    this.#byCoach = db.prepare(`${SELECT} WHERE a.coach_id = ? ORDER BY a.created_at DESC, a.id`);
    this.#byLearner = db.prepare(`${SELECT} WHERE a.learner_id = ? ORDER BY a.created_at DESC, a.id`);
    this.#setLearner = db.prepare(
      'UPDATE accompaniments SET learner_id = ?, learner_joined_at = ? WHERE id = ? AND learner_id IS NULL',
    );
    this.#setProgress = db.prepare('UPDATE accompaniments SET progress = ? WHERE id = ?');
    // Never goes back in time: two writes of one turn may arrive in any order.
    this.#activity = db.prepare(
      `UPDATE accompaniments SET last_learner_activity_at = max(coalesce(last_learner_activity_at, 0), ?)
       WHERE id = ?`,
    );
    this.#withoutProgress = db.prepare('SELECT id FROM accompaniments WHERE progress IS NULL');
    this.#learnerOf = db.prepare('SELECT coach_id, learner_id FROM accompaniments WHERE id = ?');
  }

  create(input: {
    id: AccompanimentId;
    title: string;
    kind: AccompanimentKind;
    hoursBudget: number;
    coachId: string;
    progress?: Progress;
    now?: number;
  }): void {
    this.#insert.run(
      input.id,
      input.title,
      input.kind,
      input.hoursBudget,
      input.coachId,
      input.now ?? Date.now(),
      input.progress ? JSON.stringify(input.progress) : null,
    );
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

  /** Coach and learner ids only (hot path of the projections). */
  members(id: string): { coachId: string; learnerId: string | null } | null {
    const row = this.#learnerOf.get(id);
    return row ? { coachId: text(row, 'coach_id'), learnerId: textOrNull(row, 'learner_id') } : null;
  }

  /** Links the learner; false when the accompaniment already has one. */
  setLearner(id: string, learnerId: string, now = Date.now()): boolean {
    return Number(this.#setLearner.run(learnerId, now, id).changes) === 1;
  }

  setProgress(id: string, progressJson: string): void {
    this.#setProgress.run(progressJson, id);
  }

  recordLearnerActivity(id: string, at: number): void {
    this.#activity.run(at, id);
  }

  /** Accompaniments whose projections were never computed (created before they existed). */
  idsWithoutProgress(): string[] {
    return this.#withoutProgress.all().map((row) => text(row, 'id'));
  }
}
