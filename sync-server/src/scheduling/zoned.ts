// Wall-clock time in a named time zone, with nothing but Intl: appointments are agreed in local time
// ("Tuesdays 9:00–12:00, Paris") and stored as UTC instants, so every conversion has to be right across the
// daylight-saving changes — including the hour that does not exist in March and the one that happens twice
// in October.

export const DEFAULT_TIME_ZONE = 'Europe/Paris';

const MINUTE = 60_000;
const DAY = 86_400_000;

export interface LocalDateTime {
  /** `YYYY-MM-DD` in the zone. */
  date: string;
  /** Minutes since local midnight. */
  minutes: number;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: unknown): timeZone is string {
  if (typeof timeZone !== 'string' || timeZone.length === 0 || timeZone.length > 64) return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

function wallClock(
  ms: number,
  timeZone: string,
): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(ms)))
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  return { y: p.year!, mo: p.month!, d: p.day!, h: p.hour!, mi: p.minute!, s: p.second! };
}

/** Local minus UTC, in minutes, at the instant `ms` (Paris: 60 in winter, 120 in summer). */
export function offsetMinutes(ms: number, timeZone: string): number {
  const w = wallClock(ms, timeZone);
  const asUtc = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / MINUTE);
}

export function toLocal(ms: number, timeZone: string): LocalDateTime {
  const w = wallClock(ms, timeZone);
  const date = `${String(w.y).padStart(4, '0')}-${pad(w.mo)}-${pad(w.d)}`;
  return { date, minutes: w.h * 60 + w.mi, weekday: isoWeekday(date) };
}

/**
 * The UTC instant of a wall-clock time. A time repeated by a backward change answers its first occurrence;
 * a time skipped by a forward change (02:30 on the last Sunday of March in Paris) answers the instant the
 * same duration after the jump (03:30 local), as calendar applications do.
 */
export function fromLocal(date: string, minutes: number, timeZone: string): number {
  const naive = dateToUtcMidnight(date) + minutes * MINUTE;
  const before = offsetMinutes(naive - DAY / 2, timeZone);
  const after = offsetMinutes(naive + DAY / 2, timeZone);
  const candidates = [naive - before * MINUTE, naive - after * MINUTE].sort((a, b) => a - b);
  for (const t of candidates) {
    const local = toLocal(t, timeZone);
    if (local.date === date && local.minutes === minutes) return t;
  }
  return naive - before * MINUTE;
}

export function pad(n: number): string {
  return String(n).padStart(2, '0');
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return (
    d.getUTCFullYear() === Number(m[1]) &&
    d.getUTCMonth() === Number(m[2]) - 1 &&
    d.getUTCDate() === Number(m[3])
  );
}

function dateToUtcMidnight(date: string): number {
  const m = DATE.exec(date);
  if (!m) throw new RangeError(`date invalide : ${date}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

export function isoWeekday(date: string): number {
  const day = new Date(dateToUtcMidnight(date)).getUTCDay();
  return day === 0 ? 7 : day;
}

/** The calendar date `days` after `date`. */
export function addDays(date: string, days: number): string {
  return new Date(dateToUtcMidnight(date) + days * DAY).toISOString().slice(0, 10);
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** `HH:MM` → minutes since midnight; `24:00` is accepted as the end of the day. */
export function parseTime(value: unknown): number | null {
  if (value === '24:00') return 24 * 60;
  if (typeof value !== 'string') return null;
  const m = TIME.exec(value);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

export function formatTime(minutes: number): string {
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}
