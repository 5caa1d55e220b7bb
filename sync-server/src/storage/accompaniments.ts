import type { AccompanimentId, AccompanimentKind, Progress } from '@compagnon/model';
import { isAccompanimentKind } from '@compagnon/model';
import { int, intOrNull, text, textOrNull, type Row } from './rows.ts';
import { DEFAULT_INACTIVITY_DAYS } from './settings.ts';
import type { Sql } from './sql.ts';

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

const SELECT_COLUMNS = `
  SELECT a.id, a.title, a.kind, a.hours_budget, a.created_at,
         a.progress, a.adaptations_count, a.last_learner_activity_at, a.learner_joined_at,
         c.id AS coach_id, c.name AS coach_name,
         l.id AS learner_id, l.name AS learner_name, l.email AS learner_email,
         s.inactivity_days,
         a.funder, a.start_date, a.end_date, a.status, a.outcome, a.ended_at, a.end_reason`;
const SELECT_FROM = `
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
  readonly #sql: Sql;
  /** The accompaniments with their people and settings; the texts depend on the dialect (co-referents). */
  readonly #select: string;
  readonly #members: string;

  constructor(sql: Sql) {
    this.#sql = sql;
    const concat = sql.dialect === 'postgres' ? "string_agg(r.coach_id, ',')" : 'group_concat(r.coach_id)';
    const coReferentIds = `(SELECT ${concat} FROM co_referents r WHERE r.accompaniment_id = a.id) AS co_referent_ids`;
    this.#select = `${SELECT_COLUMNS}, ${coReferentIds} ${SELECT_FROM}`;
    this.#members = `SELECT coach_id, learner_id, ${coReferentIds} FROM accompaniments a WHERE id = ?`;
  }

  async create(input: {
    id: AccompanimentId;
    title: string;
    kind: AccompanimentKind;
    hoursBudget: number;
    coachId: string;
    progress?: Progress;
    now?: number;
  }): Promise<void> {
    await this.#sql.run(
      `INSERT INTO accompaniments (id, title, kind, hours_budget, coach_id, learner_id, created_at, progress)
       VALUES (?, ?, ?, ?, ?, NULL, ?, ?)`,
      input.id,
      input.title,
      input.kind,
      input.hoursBudget,
      input.coachId,
      input.now ?? Date.now(),
      input.progress ? JSON.stringify(input.progress) : null,
    );
  }

  async find(id: string): Promise<Accompaniment | null> {
    const row = await this.#sql.get(`${this.#select} WHERE a.id = ?`, id);
    return row ? toAccompaniment(row) : null;
  }

  async listForCoach(coachId: string): Promise<Accompaniment[]> {
    // The coach's own accompaniments and those they co-refer (REPORT2).
    const rows = await this.#sql.all(
      `${this.#select} WHERE a.coach_id = ?1 OR a.id IN (SELECT accompaniment_id FROM co_referents WHERE coach_id = ?1)
       ORDER BY a.created_at DESC, a.id`,
      coachId,
    );
    return rows.map(toAccompaniment);
  }

  async listForLearner(learnerId: string): Promise<Accompaniment[]> {
    const rows = await this.#sql.all(
      `${this.#select} WHERE a.learner_id = ? ORDER BY a.created_at DESC, a.id`,
      learnerId,
    );
    return rows.map(toAccompaniment);
  }

  /** Coach, learner and co-referent ids only (hot path of the projections). */
  async members(
    id: string,
  ): Promise<{ coachId: string; learnerId: string | null; coReferentIds: string[] } | null> {
    const row = await this.#sql.get(this.#members, id);
    return row
      ? {
          coachId: text(row, 'coach_id'),
          learnerId: textOrNull(row, 'learner_id'),
          coReferentIds: textOrNull(row, 'co_referent_ids')?.split(',') ?? [],
        }
      : null;
  }

  /** Links the learner; false when the accompaniment already has one. */
  async setLearner(id: string, learnerId: string, now = Date.now()): Promise<boolean> {
    const { changes } = await this.#sql.run(
      'UPDATE accompaniments SET learner_id = ?, learner_joined_at = ? WHERE id = ? AND learner_id IS NULL',
      learnerId,
      now,
      id,
    );
    return changes === 1;
  }

  async setProgress(id: string, progressJson: string): Promise<void> {
    await this.#sql.run('UPDATE accompaniments SET progress = ? WHERE id = ?', progressJson, id);
  }

  async recordLearnerActivity(id: string, at: number): Promise<void> {
    // Never goes back in time: two writes of one turn may arrive in any order.
    await this.#sql.run(
      `UPDATE accompaniments
          SET last_learner_activity_at = CASE WHEN coalesce(last_learner_activity_at, 0) > ?1
                                              THEN coalesce(last_learner_activity_at, 0) ELSE ?1 END
        WHERE id = ?2`,
      at,
      id,
    );
  }

  /** Writes the administrative facts as given (the route checks them; `withStatus` derives the end). */
  async setAdmin(id: string, facts: AdminFacts): Promise<void> {
    await this.#sql.run(
      `UPDATE accompaniments SET funder = ?, start_date = ?, end_date = ?, status = ?, outcome = ?, ended_at = ?,
                                 end_reason = ?
        WHERE id = ?`,
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
  async markClosed(id: string, now: number): Promise<boolean> {
    // Read and write in one transaction: a status written meanwhile is not overwritten unseen.
    return this.#sql.transaction(async () => {
      const acc = await this.find(id);
      if (!acc) return false;
      await this.setAdmin(id, withStatus(acc, 'closed', now));
      return true;
    });
  }

  /** Accompaniments whose projections were never computed (created before they existed). */
  async idsWithoutProgress(): Promise<string[]> {
    const rows = await this.#sql.all('SELECT id FROM accompaniments WHERE progress IS NULL');
    return rows.map((row) => text(row, 'id'));
  }
}
