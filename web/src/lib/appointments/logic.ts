// Pure helpers of the scheduling UI: wall-clock times in a zone (through Intl), slots grouped by day, the
// checks of the availability editor, signature paths and half-days. No Svelte, no messages: the components
// turn the codes returned here into French text.
import type {
  Appointment,
  AppointmentTypeDraft,
  AvailabilityException,
  HalfDay,
  Slot,
  WeeklyRange,
} from './types.ts';

export const DEFAULT_TIME_ZONE = 'Europe/Paris';
/** How far ahead the booking form offers slots. */
export const BOOKING_DAYS = 14;
/** The server refuses longer signatures (SVG path data). */
export const MAX_SIGNATURE_LENGTH = 20_000;
/** Like the server: a session starting before 13:00 (coach's zone) belongs to the morning. */
export const AFTERNOON_FROM = 13 * 60;
/** A session that starts before noon and ends after 14:00 spans the lunch break: signed for both. */
const MORNING_UNTIL = 12 * 60;
const AFTERNOON_AFTER = 14 * 60;
/** The server's limit on a session's counted minutes. */
export const COUNTED_MAX_MINUTES = 720;

const DAY_MS = 86_400_000;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export type Instant = string | number | Date;

const partsCache = new Map<string, Intl.DateTimeFormat>();
function partsFormat(timeZone: string): Intl.DateTimeFormat {
  let format = partsCache.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    partsCache.set(timeZone, format);
  }
  return format;
}

/** The calendar date and the minutes since midnight of an instant, on the wall clock of `timeZone`. */
export function wallClock(at: Instant, timeZone = DEFAULT_TIME_ZONE): { date: string; minutes: number } {
  const parts: Record<string, string> = {};
  for (const p of partsFormat(timeZone).formatToParts(new Date(at))) parts[p.type] = p.value;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

export function isValidTimeZone(zone: string): boolean {
  if (!zone.trim()) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** « lundi 12 janvier » (with the year when asked), in the given zone. */
export function formatDay(at: Instant, locale: string, timeZone = DEFAULT_TIME_ZONE, year = false): string {
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    ...(year ? { year: 'numeric' } : {}),
  }).format(new Date(at));
}

/** « 14:30 » in the given zone. */
export function formatClock(at: Instant, locale: string, timeZone = DEFAULT_TIME_ZONE): string {
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(at));
}

/** A 'YYYY-MM-DD' calendar date, read as such (no zone shift). */
export function formatCalendarDate(date: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, {
    timeZone: 'UTC',
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(new Date(`${date}T12:00:00Z`));
}

export interface SlotDay {
  /** 'YYYY-MM-DD' on the zone's wall clock. */
  date: string;
  slots: Slot[];
}

/** Slots grouped by their local day, in order. */
export function groupSlotsByDay(slots: readonly Slot[], timeZone = DEFAULT_TIME_ZONE): SlotDay[] {
  const days: SlotDay[] = [];
  for (const slot of [...slots].sort((a, b) => Date.parse(a.start) - Date.parse(b.start))) {
    const date = wallClock(slot.start, timeZone).date;
    const last = days.at(-1);
    if (last?.date === date) last.slots.push(slot);
    else days.push({ date, slots: [slot] });
  }
  return days;
}

/** The range of the booking form: from now to `days` days later. */
export function bookingWindow(now: number, days = BOOKING_DAYS): { from: string; to: string } {
  return { from: new Date(now).toISOString(), to: new Date(now + days * DAY_MS).toISOString() };
}

/** Hours and minutes of a count of minutes (the sign apart). */
export function splitMinutes(total: number): { negative: boolean; hours: number; minutes: number } {
  const abs = Math.abs(Math.round(total));
  return { negative: total < 0, hours: Math.floor(abs / 60), minutes: abs % 60 };
}

/** « 05:07 » or « 1:05:07 » for a timer. */
export function formatTimer(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

// --- The availability editor -------------------------------------------------------------------------

/**
 * `<input type="time">` cannot say 24:00: an end of 00:00 means midnight at the end of the day. These two
 * convert between what the input holds and what the server stores.
 */
export function endFromInput(value: string): string {
  return value === '00:00' ? '24:00' : value;
}

export function endToInput(value: string): string {
  return value === '24:00' ? '00:00' : value;
}

function minutesOf(value: string | undefined): number | null {
  if (value === '24:00') return 24 * 60;
  if (!value || !TIME.test(value)) return null;
  const [h, m] = value.split(':');
  return Number(h) * 60 + Number(m);
}

export type RangeProblem =
  | { code: 'format'; day: number; index: number }
  | { code: 'step'; day: number; index: number }
  | { code: 'order'; day: number; index: number }
  | { code: 'overlap'; day: number; index: number };

/** The first problem of the weekly ranges (times as stored: '24:00' allowed as an end), or null. */
export function checkWeekly(ranges: readonly WeeklyRange[]): RangeProblem | null {
  const byDay = new Map<number, { start: number; end: number; index: number }[]>();
  for (const r of ranges) {
    const list = byDay.get(r.day) ?? [];
    const index = list.length;
    const start = minutesOf(r.start);
    const end = minutesOf(r.end);
    if (start === null || end === null || start === 24 * 60) return { code: 'format', day: r.day, index };
    if (start % 5 !== 0 || end % 5 !== 0) return { code: 'step', day: r.day, index };
    if (end <= start) return { code: 'order', day: r.day, index };
    list.push({ start, end, index });
    byDay.set(r.day, list);
  }
  for (const [day, list] of byDay) {
    const sorted = [...list].sort((a, b) => a.start - b.start);
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i]!.start < sorted[i - 1]!.end) return { code: 'overlap', day, index: sorted[i]!.index };
    }
  }
  return null;
}

export type ExceptionProblem =
  | { code: 'date'; index: number }
  | { code: 'times'; index: number }
  | { code: 'step'; index: number }
  | { code: 'order'; index: number };

/**
 * The first problem of the exceptions, or null: an extra opening needs its times; a closure without times
 * closes the whole day, with both times it closes only that part.
 */
export function checkExceptions(exceptions: readonly AvailabilityException[]): ExceptionProblem | null {
  for (const [index, x] of exceptions.entries()) {
    if (!DATE.test(x.date) || Number.isNaN(Date.parse(`${x.date}T00:00:00Z`))) return { code: 'date', index };
    const hasTimes = Boolean(x.start) || Boolean(x.end);
    if (!x.available && !hasTimes) continue;
    const start = minutesOf(x.start);
    const end = minutesOf(x.end);
    if (start === null || end === null || start === 24 * 60) return { code: 'times', index };
    if (start % 5 !== 0 || end % 5 !== 0) return { code: 'step', index };
    if (end <= start) return { code: 'order', index };
  }
  return null;
}

// --- Attendance ----------------------------------------------------------------------------------------

/**
 * The half-days an appointment is signed for, on the wall clock of `timeZone`: one (the server's, from the
 * start), or both for a session that spans the lunch break.
 */
export function halfDaysOf(
  appointment: Pick<Appointment, 'start' | 'end'>,
  timeZone = DEFAULT_TIME_ZONE,
): HalfDay[] {
  const start = wallClock(appointment.start, timeZone);
  const end = wallClock(appointment.end, timeZone);
  const endMinutes = end.date === start.date ? end.minutes : 24 * 60;
  if (start.minutes < MORNING_UNTIL && endMinutes > AFTERNOON_AFTER) return ['am', 'pm'];
  return [start.minutes < AFTERNOON_FROM ? 'am' : 'pm'];
}

/** The half-days this person already signed for (their own records; corrections apart). */
export function signedHalfDays(appointment: Pick<Appointment, 'attendance'>, userId: string): Set<HalfDay> {
  return new Set(
    appointment.attendance.filter((a) => a.userId === userId && a.correctsSeq === null).map((a) => a.halfDay),
  );
}

export interface Point {
  x: number;
  y: number;
}

const round = (n: number): number => Math.round(n * 10) / 10;

/** Drops the points closer than `minDistance` to the previous one kept (the last point is kept). */
export function simplifyStroke(points: readonly Point[], minDistance: number): Point[] {
  if (points.length <= 2 || minDistance <= 0) return [...points];
  const kept: Point[] = [points[0]!];
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i]!;
    const last = kept.at(-1)!;
    if (Math.hypot(p.x - last.x, p.y - last.y) >= minDistance) kept.push(p);
  }
  kept.push(points.at(-1)!);
  return kept;
}

function strokePath(points: readonly Point[]): string {
  const [first, ...rest] = points;
  if (!first) return '';
  // A single tap still leaves a visible dot.
  if (rest.length === 0) return `M${round(first.x)} ${round(first.y)}l0.1 0`;
  return `M${round(first.x)} ${round(first.y)}` + rest.map((p) => `L${round(p.x)} ${round(p.y)}`).join('');
}

/**
 * SVG path data of the strokes of a signature, simplified until it fits the server's limit (a long,
 * shaky signature keeps its shape with fewer points).
 */
export function signaturePath(strokes: readonly (readonly Point[])[], max = MAX_SIGNATURE_LENGTH): string {
  let minDistance = 0;
  for (;;) {
    const path = strokes
      .filter((s) => s.length > 0)
      .map((s) => strokePath(simplifyStroke(s, minDistance)))
      .join('');
    if (path.length <= max || minDistance > 200) return path.length <= max ? path : '';
    minDistance = minDistance === 0 ? 1 : minDistance * 2;
  }
}

/** The next booked appointment not yet over at `now` (the one « Aujourd'hui » announces), or null. */
export function nextAppointment(appointments: readonly Appointment[], now: number): Appointment | null {
  return (
    appointments
      .filter((a) => a.status === 'booked' && Date.parse(a.end) > now)
      .sort((a, b) => Date.parse(a.start) - Date.parse(b.start))[0] ?? null
  );
}

/** The address when a group session's location is a web link (http or https only), else null. */
export function locationLink(location: string | null | undefined): string | null {
  const text = location?.trim();
  if (!text || !/^https?:\/\/\S+$/i.test(text)) return null;
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * The agenda's lines: for the coach, a group session's appointments become one line (the first, with how
 * many participants it has); a learner sees their own appointment.
 */
export function collapseGroups<T extends Pick<Appointment, 'id' | 'group'>>(
  appointments: readonly T[],
  collapse: boolean,
): { appointment: T; participants: number }[] {
  const out: { appointment: T; participants: number }[] = [];
  const byGroup = new Map<string, { appointment: T; participants: number }>();
  for (const appointment of appointments) {
    const group = collapse ? appointment.group?.id : undefined;
    const seen = group ? byGroup.get(group) : undefined;
    if (seen) {
      seen.participants++;
      continue;
    }
    const line = { appointment, participants: 1 };
    if (group) byGroup.set(group, line);
    out.push(line);
  }
  return out;
}

/** Like the server: 1–20 types, named, durations of 15 min to 8 h by 5, at least one individual. */
export const TYPES_MAX = 20;
export const TYPE_LABEL_MAX = 100;

export type TypeProblem =
  | { code: 'count' }
  | { code: 'individual' }
  | { code: 'label' | 'label_long' | 'duplicate' | 'duration'; index: number };

/** The first problem of the appointment types being edited, or null. */
export function checkTypes(types: readonly AppointmentTypeDraft[]): TypeProblem | null {
  if (types.length === 0 || types.length > TYPES_MAX) return { code: 'count' };
  const seen = new Set<string>();
  for (const [index, t] of types.entries()) {
    const label = t.label.trim().replace(/\s+/g, ' ');
    if (!label) return { code: 'label', index };
    if (label.length > TYPE_LABEL_MAX) return { code: 'label_long', index };
    const key = label.toLocaleLowerCase('fr');
    if (seen.has(key)) return { code: 'duplicate', index };
    seen.add(key);
    const d = t.durationMinutes;
    if (!Number.isInteger(d) || d < 15 || d > 480 || d % 5 !== 0) return { code: 'duration', index };
  }
  if (!types.some((t) => t.kind === 'individual')) return { code: 'individual' };
  return null;
}

/**
 * The instant of a wall-clock date ('YYYY-MM-DD') and time (minutes since midnight) in `timeZone`; a time
 * skipped when the clocks go forward reads as shortly after the change.
 */
export function fromWallClock(date: string, minutes: number, timeZone = DEFAULT_TIME_ZONE): number {
  const [y, mo, d] = date.split('-').map(Number);
  const naive = Date.UTC(y!, mo! - 1, d!, 0, minutes);
  let t = naive;
  for (let i = 0; i < 3; i++) {
    const w = wallClock(t, timeZone);
    const [wy, wmo, wd] = w.date.split('-').map(Number);
    const diff = Date.UTC(wy!, wmo! - 1, wd!, 0, w.minutes) - naive;
    if (diff === 0) return t;
    t -= diff;
  }
  return t;
}

/** 'HH:MM' → minutes since midnight, on the 5-minute grid; null otherwise. */
export function parseClock(value: string): number | null {
  const match = TIME.exec(value);
  if (!match) return null;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return minutes % 5 === 0 ? minutes : null;
}

export function isIsoDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const [y, mo, d] = value.split('-').map(Number);
  const date = new Date(Date.UTC(y!, mo! - 1, d!));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo! - 1 && date.getUTCDate() === d;
}
