// Locale-dependent labels of the dashboards and the administrative form (French first, English second).
import { intlLocale } from '../i18n.ts';
import { m } from '../paraglide/messages.js';
import type { AdminProblem, PeriodProblem } from './logic.ts';
import type { AdminStatus, AlertKind, Funder } from './types.ts';

export function funderLabel(funder: Funder): string {
  switch (funder) {
    case 'cpf':
      return m.admin_funder_cpf();
    case 'employer':
      return m.admin_funder_employer();
    case 'france_travail':
      return m.admin_funder_france_travail();
    case 'opco':
      return m.admin_funder_opco();
    case 'region':
      return m.admin_funder_region();
    case 'personal':
      return m.admin_funder_personal();
    case 'other':
      return m.admin_funder_other();
  }
}

export function adminStatusLabel(status: AdminStatus): string {
  switch (status) {
    case 'active':
      return m.admin_status_active();
    case 'completed':
      return m.admin_status_completed();
    case 'abandoned':
      return m.admin_status_abandoned();
    case 'closed':
      return m.admin_status_closed();
  }
}

/** The short name of an alert's badge; the server's message says the details. */
export function alertLabel(kind: AlertKind): string {
  switch (kind) {
    case 'inactive':
      return m.dashboard_alert_inactive();
    case 'hours':
      return m.dashboard_alert_hours();
    case 'no-next-appointment':
      return m.dashboard_alert_no_appointment();
    case 'phase-overdue':
      return m.dashboard_alert_phase_overdue();
    case 'synthesis-not-validated':
      return m.dashboard_alert_synthesis();
    default:
      // A kind this version of the app does not know yet: the server's message alone says it.
      return '';
  }
}

export function periodProblemMessage(problem: PeriodProblem): string {
  switch (problem) {
    case 'missing':
      return m.dashboard_period_missing();
    case 'invalid':
      return m.dashboard_period_invalid();
    case 'order':
      return m.dashboard_period_order();
  }
}

export function adminProblemMessage(problem: AdminProblem): string {
  switch (problem) {
    case 'start-invalid':
      return m.admin_error_start_invalid();
    case 'end-invalid':
      return m.admin_error_end_invalid();
    case 'end-before-start':
      return m.admin_error_end_before_start();
    case 'reason-required':
      return m.admin_error_reason_required();
  }
}

/** « 2 mars 2026 » for a calendar day: no time zone may move it to the day before. */
export function formatDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  return new Intl.DateTimeFormat(intlLocale(), { dateStyle: 'long', timeZone: 'UTC' }).format(date);
}

/** « 2 mars 2026 – 30 juin 2026 », « depuis le 2 mars 2026 », or '' when neither is known. */
export function formatDays(start: string | null, end: string | null): string {
  if (start && end) return m.admin_dates_range({ start: formatDay(start), end: formatDay(end) });
  if (start) return m.admin_dates_from({ start: formatDay(start) });
  if (end) return m.admin_dates_until({ end: formatDay(end) });
  return '';
}

/** « janv. 2026 » (short, under a bar) or « janvier 2026 » (in words). */
export function formatMonth(month: string, style: 'short' | 'long' = 'short'): string {
  const date = new Date(`${month}-01T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return month;
  return new Intl.DateTimeFormat(intlLocale(), { month: style, year: 'numeric', timeZone: 'UTC' }).format(
    date,
  );
}

/** « 67 % », or « — » when nothing ended in the period. */
export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return m.dashboard_no_value();
  return new Intl.NumberFormat(intlLocale(), { style: 'percent', maximumFractionDigits: 0 }).format(rate);
}

export function formatCount(n: number): string {
  return new Intl.NumberFormat(intlLocale()).format(n);
}
