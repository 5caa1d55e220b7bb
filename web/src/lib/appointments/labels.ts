// Locale-dependent labels of the scheduling UI (French first, English second).
import { intlLocale } from '../i18n.ts';
import { m } from '../paraglide/messages.js';
import { DEFAULT_TIME_ZONE, formatClock, formatDay, splitMinutes, type Instant } from './logic.ts';
import type {
  AppointmentKind,
  AppointmentMode,
  AppointmentStatus,
  AppointmentType,
  AttendanceMethod,
  HalfDay,
} from './types.ts';

export function modeLabel(mode: AppointmentMode): string {
  switch (mode) {
    case 'video':
      return m.appointment_mode_video();
    case 'onsite':
      return m.appointment_mode_onsite();
    case 'phone':
      return m.appointment_mode_phone();
  }
}

export function kindLabel(kind: AppointmentKind): string {
  return kind === 'individual' ? m.appointment_kind_individual() : m.appointment_kind_group();
}

/** « Entretien individuel — 1 h 30 — Visio », as offered in a form. */
export function typeSummary(type: Pick<AppointmentType, 'label' | 'durationMinutes' | 'mode'>): string {
  return m.appointment_type_summary({
    label: type.label,
    duration: formatMinutes(type.durationMinutes),
    mode: modeLabel(type.mode),
  });
}

export function statusLabel(status: AppointmentStatus): string {
  switch (status) {
    case 'booked':
      return m.appointment_status_booked();
    case 'held':
      return m.appointment_status_held();
    case 'cancelled':
      return m.appointment_status_cancelled();
  }
}

export function halfDayLabel(halfDay: HalfDay): string {
  return halfDay === 'am' ? m.appointment_half_day_am() : m.appointment_half_day_pm();
}

export function methodLabel(method: AttendanceMethod): string {
  return method === 'drawn' ? m.appointment_method_drawn() : m.appointment_method_confirmed();
}

/** « 1 h 30 », « 45 min », « 23 h », with a minus sign when negative. */
export function formatMinutes(total: number): string {
  const { negative, hours, minutes } = splitMinutes(total);
  const text =
    hours === 0 && minutes > 0
      ? m.hours_minutes_only({ minutes })
      : minutes === 0
        ? m.hours_hours_only({ hours })
        : m.hours_hours_minutes({ hours, minutes: String(minutes).padStart(2, '0') });
  return negative ? `−${text}` : text;
}

/** « mardi 13 janvier 2026, 14:30–15:30 » on the wall clock of `timeZone`. */
export function formatRange(start: Instant, end: Instant, timeZone = DEFAULT_TIME_ZONE): string {
  const locale = intlLocale();
  return m.appointment_when({
    day: formatDay(start, locale, timeZone, true),
    start: formatClock(start, locale, timeZone),
    end: formatClock(end, locale, timeZone),
  });
}

/** « 13 janvier 2026 à 14:32 » (a sheet's device or server time). */
export function formatMoment(at: Instant, timeZone = DEFAULT_TIME_ZONE): string {
  return new Intl.DateTimeFormat(intlLocale(), { dateStyle: 'long', timeStyle: 'short', timeZone }).format(
    new Date(at),
  );
}
