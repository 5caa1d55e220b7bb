// Shapes of the reporting endpoints (contract shared with sync-server/): administrative facts of an
// accompaniment, co-referents, the coach's caseload and the organisation's figures. Administrative facts
// only: names, dates, hours, statuses and counts, never what was written in the workspace.
import type { AccompanimentId, AccompanimentKind } from '@compagnon/model';

export const FUNDERS = ['cpf', 'employer', 'france_travail', 'opco', 'region', 'personal', 'other'] as const;
export type Funder = (typeof FUNDERS)[number];

export const ADMIN_STATUSES = ['active', 'completed', 'abandoned', 'closed'] as const;
export type AdminStatus = (typeof ADMIN_STATUSES)[number];

export const ALERT_KINDS = [
  'inactive',
  'hours',
  'no-next-appointment',
  'phase-overdue',
  'synthesis-not-validated',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export interface CaseloadAlert {
  kind: AlertKind;
  /** Already in French, written by the server. */
  message: string;
}

export interface CaseloadRow {
  accompanimentId: AccompanimentId;
  title: string;
  kind: AccompanimentKind;
  status: AdminStatus;
  funder: Funder | null;
  /** Null while the invitation is pending. */
  learnerName: string | null;
  coachName: string;
  progress: { done: number; total: number; percent: number };
  contractedMinutes: number;
  providerMinutes: number;
  remainingMinutes: number;
  nextAppointmentAt: string | null;
  lastLearnerActivityAt: string | null;
  synthesisValidatedAt: string | null;
  /** 'YYYY-MM-DD'. */
  startDate: string | null;
  endDate: string | null;
  alerts: CaseloadAlert[];
}

/** `from`/`to` are calendar days ('YYYY-MM-DD'), both included. */
export interface Period {
  from: string;
  to: string;
}

export interface ReportFilters extends Period {
  coachId?: string;
  kind?: AccompanimentKind;
  funder?: Funder;
}

export interface CoachFigures {
  id: string;
  name: string;
  active: number;
  completed: number;
  abandoned: number;
  providerMinutes: number;
}

export interface OrganisationReport {
  organisation: { id: string; name: string };
  period: { from: string; to: string };
  coaches: CoachFigures[];
  hoursByMonth: { month: string; minutes: number }[];
  totals: {
    accompaniments: number;
    active: number;
    completed: number;
    abandoned: number;
    /** 0–1 over the accompaniments ended in the period; null or absent when none ended. */
    completionRate: number | null;
    dropoutRate: number | null;
    providerMinutes: number;
  };
}

/** The administrative facts of one accompaniment. */
export interface AdminFacts {
  funder: Funder | null;
  startDate: string | null;
  endDate: string | null;
  status: AdminStatus;
  endedAt: string | null;
  endReason: string | null;
}

export interface AdminInput {
  funder?: Funder | null;
  startDate?: string | null;
  endDate?: string | null;
  status?: AdminStatus;
  endReason?: string | null;
}

export interface CoReferent {
  id: string;
  name: string;
}

/** One bar of a dashboard chart. */
export interface ChartBar {
  /** Short label drawn under (or beside) the bar. */
  label: string;
  /** A second line under a vertical bar (the year of a month). */
  sublabel?: string;
  /** The label in words, for the accessible name and the table. */
  longLabel?: string;
  value: number;
}
