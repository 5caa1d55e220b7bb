// The reports' SQL (REPORT3–REPORT5). Reports read projections and API records only — accompaniment rows
// with their progress and learner activity (kept by the projector), appointments, synthesis validations —
// never a Yjs document, and never a column holding what people wrote.
import { isAccompanimentKind, type AccompanimentKind, type Progress } from '@compagnon/model';
import type { AppointmentMode } from './appointments.ts';
import { readProgress, toAdminFacts, type AdminFacts } from './accompaniments.ts';
import { int, intOrNull, text, textOrNull, type Row } from './rows.ts';
import { DEFAULT_INACTIVITY_DAYS } from './settings.ts';
import type { Dialect, Sql } from './sql.ts';

/** One accompaniment of a caseload, with what its alerts are computed from. */
export interface CaseloadFact extends AdminFacts {
  id: string;
  title: string;
  kind: AccompanimentKind;
  hoursBudget: number;
  createdAt: number;
  progress: Progress | null;
  coachName: string;
  learnerName: string | null;
  learnerJoinedAt: number | null;
  lastLearnerActivityAt: number | null;
  /** The accompaniment's coach's threshold (PATH5). */
  inactivityDays: number;
  /** Held sessions' counted minutes (SCHED7). */
  providerMinutes: number;
  nextAppointmentAt: number | null;
  synthesisValidatedAt: number | null;
}

/** A period of whole UTC days, `to` included: `[fromMs, toMs)` as instants. */
export interface Period {
  from: string;
  to: string;
  fromMs: number;
  toMs: number;
}

export interface ReportFilters {
  coachId: string | null;
  kind: string | null;
  funder: string | null;
}

export interface CoachCounts {
  coachId: string;
  accompaniments: number;
  active: number;
  completed: number;
  abandoned: number;
}

/** Held minutes of one coach in one month (`YYYY-MM`, UTC). */
export interface MonthMinutes {
  coachId: string;
  month: string;
  minutes: number;
}

/** One appointment line of the hours export. */
export interface HoursLine {
  start: number;
  mode: AppointmentMode;
  status: 'held' | 'booked';
  minutes: number;
  accompanimentTitle: string;
  funder: string | null;
  learnerName: string | null;
  coachName: string;
  timeZone: string;
}

const CASELOAD = `
  SELECT a.id, a.title, a.kind, a.hours_budget, a.created_at, a.progress, a.last_learner_activity_at,
         a.learner_joined_at, a.funder, a.start_date, a.end_date, a.status, a.outcome, a.ended_at, a.end_reason,
         c.name AS coach_name, l.name AS learner_name, s.inactivity_days,
         (SELECT coalesce(sum(h.counted_minutes), 0) FROM appointments h
           WHERE h.accompaniment_id = a.id AND h.status = 'held') AS provider_minutes,
         (SELECT min(b.start_at) FROM appointments b
           WHERE b.accompaniment_id = a.id AND b.status = 'booked' AND b.start_at >= ?2) AS next_at,
         (SELECT max(v.validated_at) FROM synthesis_validations v WHERE v.accompaniment_id = a.id) AS validated_at
    FROM accompaniments a
    JOIN users c ON c.id = a.coach_id
    LEFT JOIN users l ON l.id = a.learner_id
    LEFT JOIN user_settings s ON s.user_id = a.coach_id
   WHERE a.coach_id = ?1 OR a.id IN (SELECT r.accompaniment_id FROM co_referents r WHERE r.coach_id = ?1)
   ORDER BY a.status <> 'active', a.created_at DESC, a.id`;

// Accompaniments of the organisation's members matching the filters (?1 organisation, ?2 coach, ?3 kind,
// ?4 funder; null means any). The casts give PostgreSQL a type for a parameter only tested for NULL.
const IN_ORGANISATION = `
  a.coach_id IN (SELECT m.user_id FROM memberships m WHERE m.organisation_id = ?1)
  AND (CAST(?2 AS TEXT) IS NULL OR a.coach_id = ?2) AND (CAST(?3 AS TEXT) IS NULL OR a.kind = ?3)
  AND (CAST(?4 AS TEXT) IS NULL OR a.funder = ?4)`;

/** UTC calendar day (`YYYY-MM-DD`) and month (`YYYY-MM`) of an epoch-milliseconds column, per dialect. */
const utcDay = (column: string): Record<Dialect, string> => ({
  sqlite: `date(${column} / 1000, 'unixepoch')`,
  postgres: `to_char(to_timestamp(${column} / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD')`,
});
const utcMonth = (column: string): Record<Dialect, string> => ({
  sqlite: `strftime('%Y-%m', ${column} / 1000, 'unixepoch')`,
  postgres: `to_char(to_timestamp(${column} / 1000) AT TIME ZONE 'UTC', 'YYYY-MM')`,
});

// An accompaniment belongs to the period when it started by its end (contract start date, else creation)
// and had not ended before its beginning (?5 from, ?6 to as instants, ?7 last day).
const countsQuery = (dialect: Dialect): string => `
  SELECT a.coach_id,
         count(*) AS accompaniments,
         coalesce(sum(CASE WHEN a.ended_at IS NULL OR a.ended_at >= ?6 THEN 1 ELSE 0 END), 0) AS active,
         coalesce(sum(CASE WHEN a.outcome = 'completed' AND a.ended_at < ?6 THEN 1 ELSE 0 END), 0) AS completed,
         coalesce(sum(CASE WHEN a.outcome = 'abandoned' AND a.ended_at < ?6 THEN 1 ELSE 0 END), 0) AS abandoned
    FROM accompaniments a
   WHERE ${IN_ORGANISATION}
     AND coalesce(a.start_date, ${utcDay('a.created_at')[dialect]}) <= ?7
     AND (a.ended_at IS NULL OR a.ended_at >= ?5)
   GROUP BY a.coach_id`;

const COUNTS: Record<Dialect, string> = { sqlite: countsQuery('sqlite'), postgres: countsQuery('postgres') };

// CROSS JOIN keeps this order on SQLite: the organisation's accompaniments first, then each one's held
// sessions from the covering partial index `appointments_held` — rather than every held session of the
// server by date. The month is grouped by its expression, not its alias: PostgreSQL resolves a GROUP BY
// name to an input column first.
const minutesQuery = (dialect: Dialect): string => `
  SELECT a.coach_id, ${utcMonth('h.start_at')[dialect]} AS month, sum(h.counted_minutes) AS minutes
    FROM accompaniments a
    CROSS JOIN appointments h
   WHERE h.accompaniment_id = a.id AND h.status = 'held' AND h.start_at >= ?5 AND h.start_at < ?6
     AND ${IN_ORGANISATION}
   GROUP BY a.coach_id, ${utcMonth('h.start_at')[dialect]}`;

const MINUTES: Record<Dialect, string> = {
  sqlite: minutesQuery('sqlite'),
  postgres: minutesQuery('postgres'),
};

const HOURS_LINES = (scope: string) => `
  SELECT p.start_at, p.mode, p.status, p.duration_minutes, p.counted_minutes, a.title, a.funder,
         c.name AS coach_name, l.name AS learner_name, coalesce(av.time_zone, 'Europe/Paris') AS time_zone
    FROM appointments p
    JOIN accompaniments a ON a.id = p.accompaniment_id
    JOIN users c ON c.id = a.coach_id
    LEFT JOIN users l ON l.id = a.learner_id
    LEFT JOIN availabilities av ON av.coach_id = a.coach_id
   WHERE p.status IN ('held', 'booked') AND p.start_at >= ?1 AND p.start_at < ?2 AND ${scope}
   ORDER BY p.start_at, p.id`;

const CASELOAD_LINES = HOURS_LINES(
  '(a.coach_id = ?3 OR a.id IN (SELECT r.accompaniment_id FROM co_referents r WHERE r.coach_id = ?3))',
);
const ORGANISATION_LINES = HOURS_LINES(
  'a.coach_id IN (SELECT m.user_id FROM memberships m WHERE m.organisation_id = ?3)',
);

function toCaseloadFact(row: Row): CaseloadFact {
  const kind = text(row, 'kind');
  const hours = row['hours_budget'];
  return {
    id: text(row, 'id'),
    title: text(row, 'title'),
    kind: isAccompanimentKind(kind) ? kind : 'autre',
    hoursBudget: typeof hours === 'number' ? hours : Number(hours),
    createdAt: int(row, 'created_at'),
    progress: readProgress(textOrNull(row, 'progress')),
    coachName: text(row, 'coach_name'),
    learnerName: textOrNull(row, 'learner_name'),
    learnerJoinedAt: intOrNull(row, 'learner_joined_at'),
    lastLearnerActivityAt: intOrNull(row, 'last_learner_activity_at'),
    inactivityDays: intOrNull(row, 'inactivity_days') ?? DEFAULT_INACTIVITY_DAYS,
    providerMinutes: int(row, 'provider_minutes'),
    nextAppointmentAt: intOrNull(row, 'next_at'),
    synthesisValidatedAt: intOrNull(row, 'validated_at'),
    ...toAdminFacts(row),
  };
}

function toHoursLine(row: Row): HoursLine {
  const status = text(row, 'status') === 'held' ? 'held' : 'booked';
  return {
    start: int(row, 'start_at'),
    mode: text(row, 'mode') as AppointmentMode,
    status,
    minutes: status === 'held' ? (intOrNull(row, 'counted_minutes') ?? 0) : int(row, 'duration_minutes'),
    accompanimentTitle: text(row, 'title'),
    funder: textOrNull(row, 'funder'),
    learnerName: textOrNull(row, 'learner_name'),
    coachName: text(row, 'coach_name'),
    timeZone: text(row, 'time_zone'),
  };
}

export class Reports {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  /** The accompaniments a coach leads or co-refers, active ones first, then the most recent. */
  async caseload(coachId: string, now: number): Promise<CaseloadFact[]> {
    return (await this.#sql.all(CASELOAD, coachId, now)).map(toCaseloadFact);
  }

  /** Per coach of the organisation: the accompaniments of the period and how many ended in it, and how. */
  async organisationCounts(
    organisationId: string,
    period: Period,
    filters: ReportFilters,
  ): Promise<CoachCounts[]> {
    const rows = await this.#sql.all(
      COUNTS[this.#sql.dialect],
      organisationId,
      filters.coachId,
      filters.kind,
      filters.funder,
      period.fromMs,
      period.toMs,
      period.to,
    );
    return rows.map((row) => ({
      coachId: text(row, 'coach_id'),
      accompaniments: int(row, 'accompaniments'),
      active: int(row, 'active'),
      completed: int(row, 'completed'),
      abandoned: int(row, 'abandoned'),
    }));
  }

  /** Held minutes of the period, per coach and month (by the session's start, UTC). */
  async organisationMinutes(
    organisationId: string,
    period: Period,
    filters: ReportFilters,
  ): Promise<MonthMinutes[]> {
    const rows = await this.#sql.all(
      MINUTES[this.#sql.dialect],
      organisationId,
      filters.coachId,
      filters.kind,
      filters.funder,
      period.fromMs,
      period.toMs,
    );
    return rows.map((row) => ({
      coachId: text(row, 'coach_id'),
      month: text(row, 'month'),
      minutes: int(row, 'minutes'),
    }));
  }

  /** Held and booked appointments of the period, of a coach's caseload or of a whole organisation. */
  async hoursLines(
    scope: { coachId: string } | { organisationId: string },
    period: Period,
  ): Promise<HoursLine[]> {
    const rows =
      'coachId' in scope
        ? await this.#sql.all(CASELOAD_LINES, period.fromMs, period.toMs, scope.coachId)
        : await this.#sql.all(ORGANISATION_LINES, period.fromMs, period.toMs, scope.organisationId);
    return rows.map(toHoursLine);
  }
}
