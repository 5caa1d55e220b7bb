// iCalendar (RFC 5545) feeds: events carry local times with a TZID and the feed carries the VTIMEZONE that
// defines it, built from the zone's actual transitions over the years the events span — so any calendar
// application shows the right hour on both sides of a daylight-saving change.
import { offsetMinutes, pad, toLocal } from './zoned.ts';

export interface CalendarEvent {
  uid: string;
  start: number;
  end: number;
  summary: string;
  description?: string;
  location?: string;
  status: 'CONFIRMED' | 'CANCELLED';
  /** Bumped on every change (move, cancel), so calendar applications replace their copy. */
  sequence: number;
  updatedAt: number;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

/** TEXT value escaping (RFC 5545 §3.3.11). */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r?\n/g, '\\n')
    .split('')
    .filter((ch) => ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f)
    .join('');
}

/** Lines longer than 75 octets are folded (§3.1), never inside a UTF-8 sequence. */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let size = 0;
  for (const ch of line) {
    const bytes = Buffer.byteLength(ch);
    const limit = out.length === 0 ? 75 : 74;
    if (size + bytes > limit) {
      out.push(current);
      current = '';
      size = 0;
    }
    current += ch;
    size += bytes;
  }
  out.push(current);
  return out.join('\r\n ');
}

function utcStamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function localStamp(ms: number, timeZone: string): string {
  const l = toLocal(ms, timeZone);
  return `${l.date.replace(/-/g, '')}T${pad(Math.floor(l.minutes / 60))}${pad(l.minutes % 60)}00`;
}

function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}

interface Transition {
  at: number;
  from: number;
  to: number;
}

/** Offset changes of the zone in [from, to), to the minute. */
export function transitions(timeZone: string, from: number, to: number): Transition[] {
  const found: Transition[] = [];
  let prev = offsetMinutes(from, timeZone);
  for (let t = from + DAY; t < to + DAY; t += DAY) {
    const current = offsetMinutes(t, timeZone);
    if (current === prev) continue;
    let lo = t - DAY;
    let hi = t;
    while (hi - lo > MINUTE) {
      const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
      if (offsetMinutes(mid, timeZone) === prev) lo = mid;
      else hi = mid;
    }
    found.push({ at: hi, from: prev, to: current });
    prev = current;
  }
  return found;
}

/** A VTIMEZONE describing `timeZone` over the years of [from, to]. */
export function vtimezone(timeZone: string, from: number, to: number): string[] {
  const startYear = new Date(from).getUTCFullYear() - 1;
  const endYear = new Date(to).getUTCFullYear() + 1;
  const begin = Date.UTC(startYear, 0, 1);
  const changes = transitions(timeZone, begin, Date.UTC(endYear + 1, 0, 1));
  const lines = ['BEGIN:VTIMEZONE', `TZID:${timeZone}`];
  if (changes.length === 0) {
    const offset = offsetText(offsetMinutes(begin, timeZone));
    lines.push('BEGIN:STANDARD', `DTSTART:${startYear}0101T000000`, `TZOFFSETFROM:${offset}`);
    lines.push(`TZOFFSETTO:${offset}`, 'END:STANDARD');
  }
  for (const c of changes) {
    // DTSTART is the local time just before the change, in the offset in force then (§3.6.5).
    const kind = c.to > c.from ? 'DAYLIGHT' : 'STANDARD';
    const local = new Date(c.at + c.from * MINUTE).toISOString().replace(/[-:]/g, '').slice(0, 15);
    lines.push(`BEGIN:${kind}`, `DTSTART:${local}`, `TZOFFSETFROM:${offsetText(c.from)}`);
    lines.push(`TZOFFSETTO:${offsetText(c.to)}`, `END:${kind}`);
  }
  lines.push('END:VTIMEZONE');
  return lines;
}

/** A whole feed, CRLF line ends, folded lines. */
export function calendarFeed(options: {
  name: string;
  timeZone: string;
  events: readonly CalendarEvent[];
  now: number;
}): string {
  const { name, timeZone, events, now } = options;
  const from = Math.min(now, ...events.map((e) => e.start));
  const to = Math.max(now, ...events.map((e) => e.end));
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Compagnon//Agenda//FR',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(name)}`,
    `X-WR-TIMEZONE:${timeZone}`,
    ...vtimezone(timeZone, from, to),
  ];
  for (const e of events) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${escapeText(e.uid)}`,
      `DTSTAMP:${utcStamp(now)}`,
      `LAST-MODIFIED:${utcStamp(e.updatedAt)}`,
      `DTSTART;TZID=${timeZone}:${localStamp(e.start, timeZone)}`,
      `DTEND;TZID=${timeZone}:${localStamp(e.end, timeZone)}`,
      `SUMMARY:${escapeText(e.summary)}`,
      ...(e.description ? [`DESCRIPTION:${escapeText(e.description)}`] : []),
      ...(e.location ? [`LOCATION:${escapeText(e.location)}`] : []),
      `STATUS:${e.status}`,
      `SEQUENCE:${e.sequence}`,
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
