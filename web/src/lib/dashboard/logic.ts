// Pure helpers of the dashboards: sorting and filtering the caseload, periods of calendar days, the months
// of a chart, the scale of a bar chart and the checks of the administrative form. No Svelte, no messages:
// the components turn the codes returned here into French text.
import { wallClock } from '../appointments/logic.ts';
import {
  ADMIN_STATUSES,
  FUNDERS,
  type AdminInput,
  type AdminStatus,
  type AlertKind,
  type CaseloadRow,
  type Funder,
  type Period,
  type ReportFilters,
} from './types.ts';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar day written 'YYYY-MM-DD' (no 31 February). */
export function isDay(value: string): boolean {
  const match = DAY.exec(value);
  if (!match) return false;
  const [, y, mo, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** Today's date on the Paris wall clock, where the coaches work. */
export function today(now: Date | number = Date.now()): string {
  return wallClock(now).date;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** The twelve months ending with the current one: a year of activity, today's included. */
export function defaultPeriod(day: string): Period {
  const [y, mo] = day.split('-').map(Number) as [number, number];
  const first = new Date(Date.UTC(y, mo - 1 - 11, 1));
  const last = new Date(Date.UTC(y, mo, 0));
  return {
    from: `${first.getUTCFullYear()}-${pad(first.getUTCMonth() + 1)}-01`,
    to: `${last.getUTCFullYear()}-${pad(last.getUTCMonth() + 1)}-${pad(last.getUTCDate())}`,
  };
}

export type PeriodProblem = 'missing' | 'invalid' | 'order';

export function checkPeriod(period: Period): PeriodProblem | null {
  if (!period.from || !period.to) return 'missing';
  if (!isDay(period.from) || !isDay(period.to)) return 'invalid';
  if (period.from > period.to) return 'order';
  return null;
}

/** The query string of a report: empty filters are left out. */
export function reportQuery(filters: ReportFilters): string {
  const params = new URLSearchParams();
  for (const key of ['from', 'to', 'coachId', 'kind', 'funder'] as const) {
    const value = filters[key];
    if (value) params.set(key, value);
  }
  return params.toString();
}

/** Every month ('YYYY-MM') the period touches, in order. */
export function monthsOf(period: Period): string[] {
  if (checkPeriod(period)) return [];
  const months: string[] = [];
  let [y, mo] = period.from.split('-').map(Number) as [number, number];
  const end = period.to.slice(0, 7);
  // A guard against absurd periods: ten years of bars is already more than a chart can show.
  while (months.length < 120) {
    const month = `${y}-${pad(mo)}`;
    months.push(month);
    if (month >= end) break;
    mo += 1;
    if (mo > 12) {
      mo = 1;
      y += 1;
    }
  }
  return months;
}

/** The server's minutes per month, with the months it left out (nothing delivered) at zero. */
export function fillMonths(
  entries: readonly { month: string; minutes: number }[],
  period: Period,
): { month: string; minutes: number }[] {
  const byMonth = new Map<string, number>();
  for (const e of entries) byMonth.set(e.month, (byMonth.get(e.month) ?? 0) + e.minutes);
  const months = monthsOf(period);
  for (const month of byMonth.keys()) if (!months.includes(month)) months.push(month);
  return months.sort().map((month) => ({ month, minutes: byMonth.get(month) ?? 0 }));
}

/**
 * A round top for a chart's axis and the ticks below it (0 included), e.g. 37 → 40 by 10. Counts
 * (`integers`) never get a tick between two whole numbers.
 */
export function niceScale(
  max: number,
  { tickCount = 4, integers = false }: { tickCount?: number; integers?: boolean } = {},
): { max: number; ticks: number[] } {
  if (!(max > 0) || !Number.isFinite(max)) return { max: 1, ticks: [0, 1] };
  const rough = max / tickCount;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  let step = [1, 2, 2.5, 5, 10].map((f) => f * magnitude).find((s) => s >= rough) ?? 10 * magnitude;
  if (integers) step = Math.max(1, Math.ceil(step));
  const top = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = 0; v <= top + step / 2; v += step) ticks.push(Number(v.toFixed(10)));
  return { max: top, ticks };
}

// ---- the caseload table ----

export type SortKey =
  | 'title'
  | 'learner'
  | 'status'
  | 'funder'
  | 'period'
  | 'progress'
  | 'hours'
  | 'nextAppointment'
  | 'lastActivity'
  | 'alerts';

export type SortDirection = 'ascending' | 'descending';

export interface Sort {
  key: SortKey;
  direction: SortDirection;
}

/** Most alerts first: what needs the coach's attention opens the page. */
export const DEFAULT_SORT: Sort = { key: 'alerts', direction: 'descending' };

const collator = new Intl.Collator('fr', { sensitivity: 'base', numeric: true });

type SortValue = string | number | null;

function sortValue(row: CaseloadRow, key: SortKey): SortValue {
  switch (key) {
    case 'title':
      return row.title;
    case 'learner':
      return row.learnerName;
    case 'status':
      return ADMIN_STATUSES.indexOf(row.status);
    case 'funder':
      return row.funder === null ? null : FUNDERS.indexOf(row.funder);
    case 'period':
      return row.startDate;
    case 'progress':
      return row.progress.percent;
    case 'hours':
      return row.remainingMinutes;
    case 'nextAppointment':
      return row.nextAppointmentAt;
    case 'lastActivity':
      return row.lastLearnerActivityAt;
    case 'alerts':
      return row.alerts.length;
  }
}

function compareValues(a: SortValue, b: SortValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return collator.compare(String(a), String(b));
}

/** A sorted copy; missing values (no learner yet, no appointment…) stay at the end in both directions. */
export function sortRows(rows: readonly CaseloadRow[], sort: Sort): CaseloadRow[] {
  const sign = sort.direction === 'ascending' ? 1 : -1;
  return [...rows].sort((x, y) => {
    const a = sortValue(x, sort.key);
    const b = sortValue(y, sort.key);
    if (a === null || b === null) {
      if (a !== b) return a === null ? 1 : -1;
    } else {
      const order = compareValues(a, b) * sign;
      if (order !== 0) return order;
    }
    return collator.compare(x.title, y.title);
  });
}

/** Clicking the sorted column flips it; another column starts in its natural direction. */
export function nextSort(current: Sort, key: SortKey): Sort {
  if (current.key === key)
    return { key, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
  // Counts and progress read best from the largest; names, dates and hours left from the smallest.
  return { key, direction: key === 'alerts' || key === 'progress' ? 'descending' : 'ascending' };
}

/** `any`: at least one alert; `none`: none at all; or one kind of alert. */
export type AlertFilter = 'all' | 'any' | 'none' | AlertKind;

export interface CaseloadFilters {
  alert: AlertFilter;
  status: 'all' | AdminStatus;
}

export function filterRows(rows: readonly CaseloadRow[], filters: CaseloadFilters): CaseloadRow[] {
  return rows.filter((row) => {
    if (filters.status !== 'all' && row.status !== filters.status) return false;
    switch (filters.alert) {
      case 'all':
        return true;
      case 'any':
        return row.alerts.length > 0;
      case 'none':
        return row.alerts.length === 0;
      default:
        return row.alerts.some((a) => a.kind === filters.alert);
    }
  });
}

/** How many rows carry each kind of alert (a row counts once per kind). */
export function alertCounts(rows: readonly CaseloadRow[]): Map<AlertKind, number> {
  const counts = new Map<AlertKind, number>();
  for (const row of rows)
    for (const kind of new Set(row.alerts.map((a) => a.kind))) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

// ---- the administrative form ----

export interface AdminForm {
  /** '' when not known. */
  funder: Funder | '';
  startDate: string;
  endDate: string;
  status: AdminStatus;
  endReason: string;
}

export type AdminProblem = 'start-invalid' | 'end-invalid' | 'end-before-start' | 'reason-required';

/** An abandonment needs its reason (the drop-out is accounted for); other endings may give one. */
export function checkAdmin(form: AdminForm): AdminProblem[] {
  const problems: AdminProblem[] = [];
  if (form.startDate && !isDay(form.startDate)) problems.push('start-invalid');
  if (form.endDate && !isDay(form.endDate)) problems.push('end-invalid');
  if (isDay(form.startDate) && isDay(form.endDate) && form.endDate < form.startDate)
    problems.push('end-before-start');
  if (form.status === 'abandoned' && !form.endReason.trim()) problems.push('reason-required');
  return problems;
}

/**
 * What is sent: empty fields as null. The end reason only goes with an ended accompaniment (the server
 * refuses one for an accompaniment under way, and clears it when one goes back to active).
 */
export function adminInput(form: AdminForm): AdminInput {
  const input: AdminInput = {
    funder: form.funder || null,
    startDate: form.startDate || null,
    endDate: form.endDate || null,
    status: form.status,
  };
  if (form.status !== 'active') input.endReason = form.endReason.trim() || null;
  return input;
}

/** The statuses the form offers: closing goes through the closing procedure, and a closed one stays so. */
export function selectableStatuses(current: AdminStatus): AdminStatus[] {
  return current === 'closed' ? ['closed'] : ['active', 'completed', 'abandoned'];
}
