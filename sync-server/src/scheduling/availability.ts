// A coach's availability: recurring weekly opening hours in their time zone, with dated exceptions
// (holidays close a day or part of it; an extra opening adds hours). Free slots are what remains once the
// appointments already booked are taken out.
import { addDays, formatTime, fromLocal, isIsoDate, isValidTimeZone, parseTime, toLocal } from './zoned.ts';

export interface WeeklyRange {
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  day: number;
  start: string;
  end: string;
}

export interface AvailabilityException {
  date: string;
  /** false: closed (the whole day when no times are given); true: extra opening hours. */
  available: boolean;
  start?: string;
  end?: string;
  label?: string;
}

export interface Availability {
  timeZone: string;
  weekly: WeeklyRange[];
  exceptions: AvailabilityException[];
}

export interface Interval {
  start: number;
  end: number;
}

export const SLOT_STEP_MINUTES = 30;
const MAX_RANGES = 70;
const MAX_EXCEPTIONS = 400;
const MINUTE = 60_000;

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const DAY_NAMES = ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'];

function range(start: unknown, end: unknown, where: string): Parsed<{ start: number; end: number }> {
  const s = parseTime(start);
  const e = parseTime(end);
  if (s === null || e === null || s === 24 * 60)
    return { ok: false, error: `${where} : heures attendues au format HH:MM (par exemple 09:00).` };
  if (s % 5 !== 0 || e % 5 !== 0)
    return { ok: false, error: `${where} : les heures vont de 5 en 5 minutes.` };
  if (e <= s) return { ok: false, error: `${where} : la fin doit être après le début.` };
  return { ok: true, value: { start: s, end: e } };
}

function overlapping(ranges: readonly { start: number; end: number }[]): boolean {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  return sorted.some((r, i) => i > 0 && r.start < sorted[i - 1]!.end);
}

/** Validates untrusted availability; the error is for the user, in French. */
export function parseAvailability(input: unknown): Parsed<Availability> {
  if (input === null || typeof input !== 'object') return { ok: false, error: 'Disponibilités attendues.' };
  const raw = input as Record<string, unknown>;
  const timeZone = raw.timeZone ?? 'Europe/Paris';
  if (!isValidTimeZone(timeZone)) return { ok: false, error: 'Fuseau horaire inconnu.' };
  if (!Array.isArray(raw.weekly) || raw.weekly.length > MAX_RANGES)
    return { ok: false, error: `Plages hebdomadaires attendues (au plus ${MAX_RANGES}).` };
  const exceptionsRaw = raw.exceptions ?? [];
  if (!Array.isArray(exceptionsRaw) || exceptionsRaw.length > MAX_EXCEPTIONS)
    return { ok: false, error: `Exceptions attendues (au plus ${MAX_EXCEPTIONS}).` };

  const weekly: WeeklyRange[] = [];
  const byDay = new Map<number, { start: number; end: number }[]>();
  for (const item of raw.weekly as unknown[]) {
    const w = (item ?? {}) as Record<string, unknown>;
    const day = w.day;
    if (typeof day !== 'number' || !Number.isInteger(day) || day < 1 || day > 7)
      return { ok: false, error: 'Jour attendu entre 1 (lundi) et 7 (dimanche).' };
    const r = range(w.start, w.end, `Plage du ${DAY_NAMES[day - 1]}`);
    if (!r.ok) return r;
    const list = byDay.get(day) ?? [];
    list.push(r.value);
    byDay.set(day, list);
    if (overlapping(list)) return { ok: false, error: `Les plages du ${DAY_NAMES[day - 1]} se chevauchent.` };
    weekly.push({ day, start: formatTime(r.value.start), end: formatTime(r.value.end) });
  }

  const exceptions: AvailabilityException[] = [];
  for (const item of exceptionsRaw as unknown[]) {
    const x = (item ?? {}) as Record<string, unknown>;
    if (!isIsoDate(x.date)) return { ok: false, error: 'Date d’exception attendue au format AAAA-MM-JJ.' };
    if (typeof x.available !== 'boolean')
      return {
        ok: false,
        error: `Exception du ${x.date} : précisez s’il s’agit d’une fermeture ou d’une ouverture.`,
      };
    const label = typeof x.label === 'string' ? x.label.trim().slice(0, 120) : undefined;
    const exception: AvailabilityException = {
      date: x.date,
      available: x.available,
      ...(label ? { label } : {}),
    };
    if (x.start !== undefined || x.end !== undefined || x.available) {
      const r = range(x.start, x.end, `Exception du ${x.date}`);
      if (!r.ok) return r;
      exception.start = formatTime(r.value.start);
      exception.end = formatTime(r.value.end);
    }
    exceptions.push(exception);
  }
  return { ok: true, value: { timeZone, weekly, exceptions } };
}

function subtract(ranges: { start: number; end: number }[], cut: { start: number; end: number }) {
  return ranges.flatMap((r) => {
    if (cut.end <= r.start || cut.start >= r.end) return [r];
    const out: { start: number; end: number }[] = [];
    if (cut.start > r.start) out.push({ start: r.start, end: cut.start });
    if (cut.end < r.end) out.push({ start: cut.end, end: r.end });
    return out;
  });
}

/** Local opening ranges (minutes) of one calendar date, exceptions applied. */
export function openRangesOn(av: Availability, date: string): { start: number; end: number }[] {
  const weekday = toLocalWeekday(date);
  let ranges = av.weekly
    .filter((w) => w.day === weekday)
    .map((w) => ({ start: parseTime(w.start)!, end: parseTime(w.end)! }));
  for (const x of av.exceptions.filter((e) => e.date === date)) {
    const r =
      x.start && x.end ? { start: parseTime(x.start)!, end: parseTime(x.end)! } : { start: 0, end: 1440 };
    ranges = x.available ? [...subtract(ranges, r), r] : subtract(ranges, r);
  }
  return ranges.sort((a, b) => a.start - b.start);
}

function toLocalWeekday(date: string): number {
  const d = new Date(`${date}T12:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

/** Opening intervals (UTC instants) that intersect [from, to). */
export function openIntervals(av: Availability, from: number, to: number): Interval[] {
  const out: Interval[] = [];
  const first = addDays(toLocal(from, av.timeZone).date, -1);
  const last = toLocal(to, av.timeZone).date;
  for (let date = first; date <= last; date = addDays(date, 1)) {
    for (const r of openRangesOn(av, date)) {
      const start = fromLocal(date, r.start, av.timeZone);
      const end =
        r.end === 1440 ? fromLocal(addDays(date, 1), 0, av.timeZone) : fromLocal(date, r.end, av.timeZone);
      if (end > from && start < to && end > start) out.push({ start, end });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Whether [start, start + duration) lies entirely inside one opening interval. */
export function withinAvailability(av: Availability, start: number, durationMinutes: number): boolean {
  const end = start + durationMinutes * MINUTE;
  return openIntervals(av, start - 1, end + 1).some((i) => i.start <= start && end <= i.end);
}

export function overlaps(a: Interval, b: Interval): boolean {
  return a.start < b.end && b.start < a.end;
}

/**
 * Bookable slots of `durationMinutes` in [from, to): starting every SLOT_STEP_MINUTES from each opening's
 * start, not in the past, not overlapping anything in `busy`.
 */
export function freeSlots(
  av: Availability,
  options: { from: number; to: number; durationMinutes: number; busy: readonly Interval[]; now: number },
): Interval[] {
  const { from, to, durationMinutes, busy, now } = options;
  const length = durationMinutes * MINUTE;
  const slots: Interval[] = [];
  for (const open of openIntervals(av, from, to)) {
    for (let start = open.start; start + length <= open.end; start += SLOT_STEP_MINUTES * MINUTE) {
      const slot = { start, end: start + length };
      if (start < from || slot.end > to || start < now) continue;
      if (busy.some((b) => overlaps(b, slot))) continue;
      slots.push(slot);
    }
  }
  return slots;
}
