import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { AccompanimentId, AccompanimentKind, Progress } from '@compagnon/model';
import { isAccompanimentKind } from '@compagnon/model';
import { int, intOrNull, text, textOrNull, type Row } from './rows.ts';
import { DEFAULT_INACTIVITY_DAYS } from './settings.ts';

/** Who pays for the accompaniment (REPORT1). */
export const FUNDERS = ['cpf', 'employer', 'france_travail', 'opco', 'region', 'personal', 'other'] as const;
export type Funder = (typeof FUNDERS)[number];
export const ACCOMPANIMENT_STATUSES = ['active', 'completed', 'abandoned', 'closed'] as const;
export type AccompanimentStatus = (typeof ACCOMPANIMENT_STATUSES)[number];
/** How an accompaniment ended; kept when it is closed afterwards, so reports still count it right. */
export type Outcome = 'completed' | 'abandoned';

const isFunder = (value: string | null): value is Funder => FUNDERS.some((f) => f === value);
const isStatus = (value: string): value is AccompanimentStatus =>
  ACCOMPANIMENT_STATUSES.some((s) => s === value);

/** The administrative facts of an accompaniment (REPORT1): what reports and exports may carry. */
export interface AdminFacts {
  funder: Funder | null;
  /** Contract dates, `YYYY-MM-DD`. */
  startDate: string | null;
  endDate: string | null;
  status: AccompanimentStatus;
  outcome: Outcome | null;
  /** Server time the accompaniment stopped being active. */
  endedAt: number | null;
  endReason: string | null;
}

/**
 * The facts after a status change at `now`: ending sets `endedAt` (kept when moving between ended
 * statuses), going back to active clears it; closing keeps how it ended (completed unless it was abandoned).
 */
export function withStatus(
  current: AdminFacts,
  status: AccompanimentStatus,
  now: number,
  endReason?: string | null,
): AdminFacts {
  if (status === 'active') return { ...current, status, outcome: null, endedAt: null, endReason: null };
  const outcome: Outcome = status === 'closed' ? (current.outcome ?? 'completed') : status;
  return {
    ...current,
    status,
    outcome,
    endedAt: current.endedAt ?? now,
    endReason: endReason === undefined ? current.endReason : endReason,
  };
}

export interface Accompaniment extends AdminFacts {
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
  /** Coaches who share the coach's access to this accompaniment (REPORT2). */
  coReferentIds: string[];
}

const SELECT = `
  SELECT a.id, a.title, a.kind, a.hours_budget, a.created_at,
         a.progress, a.adaptations_count, a.last_learner_activity_at, a.learner_joined_at,
         c.id AS coach_id, c.name AS coach_name,
         l.id AS learner_id, l.name AS learner_name, l.email AS learner_email,
         s.inactivity_days,
         a.funder, a.start_date, a.end_date, a.status, a.outcome, a.ended_at, a.end_reason,
         (SELECT group_concat(r.coach_id) FROM co_referents r WHERE r.accompaniment_id = a.id) AS co_referent_ids
  FROM accompaniments a
  JOIN users c ON c.id = a.coach_id
  LEFT JOIN users l ON l.id = a.learner_id
  LEFT JOIN user_settings s ON s.user_id = a.coach_id`;

const EMPTY_PROGRESS: Progress = { stepsTotal: 0, stepsDone: 0, byPhase: [] };

export function readProgress(value: string | null): Progress | null {
  if (value === null) return null;
  try {
    const parsed = JSON.parse(value) as Progress;
    return parsed && typeof parsed === 'object' && Array.isArray(parsed.byPhase) ? parsed : EMPTY_PROGRESS;
  } catch {
    return EMPTY_PROGRESS;
  }
}

export function toAdminFacts(row: Row): AdminFacts {
  const funder = textOrNull(row, 'funder');
  const status = text(row, 'status');
  const outcome = textOrNull(row, 'outcome');
  return {
    funder: isFunder(funder) ? funder : null,
    startDate: textOrNull(row, 'start_date'),
    endDate: textOrNull(row, 'end_date'),
    status: isStatus(status) ? status : 'active',
    outcome: outcome === 'completed' || outcome === 'abandoned' ? outcome : null,
    endedAt: intOrNull(row, 'ended_at'),
    endReason: textOrNull(row, 'end_reason'),
  };
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
    coReferentIds: textOrNull(row, 'co_referent_ids')?.split(',') ?? [],
    ...toAdminFacts(row),
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
  readonly #setAdmin: StatementSync;

  constructor(db: DatabaseSync) {
    this.#insert = db.prepare(
      `INSERT INTO accompaniments (id, title, kind, hours_budget, coach_id, learner_id, created_at, progress)
       VALUES (?, ?, ?, ?, ?, NULL, ?, ?)`,
    );
    this.#byId = db.prepare(`${SELECT} WHERE a.id = ?`);
    // The coach's own accompaniments and those they co-refer (REPORT2).
    this.#byCoach = db.prepare(
      `${SELECT} WHERE a.coach_id = ?1 OR a.id IN (SELECT accompaniment_id FROM co_referents WHERE coach_id = ?1)
       ORDER BY a.created_at DESC, a.id`,
    );
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
    this.#learnerOf = db.prepare(
      `SELECT coach_id, learner_id,
              (SELECT group_concat(r.coach_id) FROM co_referents r WHERE r.accompaniment_id = a.id) AS co_referent_ids
         FROM accompaniments a WHERE id = ?`,
    );
    this.#setAdmin = db.prepare(
      `UPDATE accompaniments SET funder = ?, start_date = ?, end_date = ?, status = ?, outcome = ?, ended_at = ?,
                                 end_reason = ?
        WHERE id = ?`,
    );
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

  /** Coach, learner and co-referent ids only (hot path of the projections). */
  members(id: string): { coachId: string; learnerId: string | null; coReferentIds: string[] } | null {
    const row = this.#learnerOf.get(id);
    return row
      ? {
          coachId: text(row, 'coach_id'),
          learnerId: textOrNull(row, 'learner_id'),
          coReferentIds: textOrNull(row, 'co_referent_ids')?.split(',') ?? [],
        }
      : null;
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

  /** Writes the administrative facts as given (the route checks them; `withStatus` derives the end). */
  setAdmin(id: string, facts: AdminFacts): void {
    this.#setAdmin.run(
      facts.funder,
      facts.startDate,
      facts.endDate,
      facts.status,
      facts.outcome,
      facts.endedAt,
      facts.endReason,
      id,
    );
  }

  /**
   * Marks the accompaniment closed (the closing workflow, after the learner's agreement): `endedAt` is kept
   * when it had already ended, and how it ended too. False when it does not exist.
   */
  markClosed(id: string, now: number): boolean {
    const acc = this.find(id);
    if (!acc) return false;
    this.setAdmin(id, withStatus(acc, 'closed', now));
    return true;
  }

  /** Accompaniments whose projections were never computed (created before they existed). */
  idsWithoutProgress(): string[] {
    return this.#withoutProgress.all().map((row) => text(row, 'id'));
  }
}
