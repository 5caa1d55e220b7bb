import { describe, expect, it } from 'vitest';
import {
  freeSlots,
  openIntervals,
  parseAvailability,
  withinAvailability,
  type Availability,
} from './availability.ts';
import { fromLocal, offsetMinutes, toLocal } from './zoned.ts';

const PARIS = 'Europe/Paris';
const H = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

function availability(input: unknown): Availability {
  const parsed = parseAvailability(input);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

describe('wall-clock time in Europe/Paris across daylight-saving changes', () => {
  it('converts both ways in winter and summer', () => {
    expect(iso(fromLocal('2026-01-15', 9 * 60, PARIS))).toBe('2026-01-15T08:00:00.000Z');
    expect(iso(fromLocal('2026-07-15', 9 * 60, PARIS))).toBe('2026-07-15T07:00:00.000Z');
    expect(toLocal(Date.parse('2026-07-15T07:00:00Z'), PARIS)).toEqual({
      date: '2026-07-15',
      minutes: 540,
      weekday: 3,
    });
    expect(offsetMinutes(Date.parse('2026-01-15T08:00:00Z'), PARIS)).toBe(60);
    expect(offsetMinutes(Date.parse('2026-07-15T08:00:00Z'), PARIS)).toBe(120);
  });

  it('March change: 02:30 does not exist and lands after the jump; 09:00 is UTC+2', () => {
    expect(iso(fromLocal('2026-03-29', 2 * 60 + 30, PARIS))).toBe('2026-03-29T01:30:00.000Z');
    expect(toLocal(Date.parse('2026-03-29T01:30:00Z'), PARIS).minutes).toBe(3 * 60 + 30);
    expect(iso(fromLocal('2026-03-29', 9 * 60, PARIS))).toBe('2026-03-29T07:00:00.000Z');
    expect(iso(fromLocal('2026-03-28', 9 * 60, PARIS))).toBe('2026-03-28T08:00:00.000Z');
  });

  it('October change: 02:30 happens twice, the first is answered; 09:00 is UTC+1', () => {
    expect(iso(fromLocal('2026-10-25', 2 * 60 + 30, PARIS))).toBe('2026-10-25T00:30:00.000Z');
    expect(iso(fromLocal('2026-10-25', 9 * 60, PARIS))).toBe('2026-10-25T08:00:00.000Z');
    expect(iso(fromLocal('2026-10-24', 9 * 60, PARIS))).toBe('2026-10-24T07:00:00.000Z');
  });
});

describe('availability', () => {
  const weekly = availability({
    timeZone: PARIS,
    weekly: [
      { day: 1, start: '09:00', end: '12:00' },
      { day: 1, start: '14:00', end: '17:00' },
      { day: 6, start: '09:00', end: '11:00' },
      { day: 7, start: '09:00', end: '11:00' },
    ],
    exceptions: [
      { date: '2026-11-02', available: false, label: 'Pont' },
      { date: '2026-11-03', available: true, start: '10:00', end: '11:00' },
    ],
  });

  it('refuses overlapping ranges, reversed ranges, bad days and unknown zones with French messages', () => {
    const overlap = parseAvailability({
      weekly: [
        { day: 2, start: '09:00', end: '12:00' },
        { day: 2, start: '11:00', end: '13:00' },
      ],
    });
    expect(overlap).toEqual({ ok: false, error: 'Les plages du mardi se chevauchent.' });
    expect(parseAvailability({ weekly: [{ day: 2, start: '12:00', end: '09:00' }] })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/fin doit être après/),
    });
    expect(parseAvailability({ weekly: [{ day: 8, start: '09:00', end: '10:00' }] })).toMatchObject({
      ok: false,
    });
    expect(parseAvailability({ timeZone: 'Mars/Olympus', weekly: [] })).toEqual({
      ok: false,
      error: 'Fuseau horaire inconnu.',
    });
    expect(
      parseAvailability({ weekly: [], exceptions: [{ date: '2026-02-30', available: false }] }),
    ).toMatchObject({ ok: false });
  });

  it('keeps local opening hours on both sides of the October change', () => {
    const sat = openIntervals(weekly, Date.parse('2026-10-24T00:00:00Z'), Date.parse('2026-10-26T00:00:00Z'));
    expect(sat.map((i) => [iso(i.start), iso(i.end)])).toEqual([
      ['2026-10-24T07:00:00.000Z', '2026-10-24T09:00:00.000Z'],
      ['2026-10-25T08:00:00.000Z', '2026-10-25T10:00:00.000Z'],
    ]);
  });

  it('keeps local opening hours on both sides of the March change', () => {
    const wk = openIntervals(weekly, Date.parse('2027-03-27T00:00:00Z'), Date.parse('2027-03-29T00:00:00Z'));
    expect(wk.map((i) => iso(i.start))).toEqual(['2027-03-27T08:00:00.000Z', '2027-03-28T07:00:00.000Z']);
  });

  it('applies a closing exception and an extra opening', () => {
    const from = Date.parse('2026-11-02T00:00:00Z');
    const to = Date.parse('2026-11-04T00:00:00Z');
    expect(openIntervals(weekly, from, to).map((i) => iso(i.start))).toEqual(['2026-11-03T09:00:00.000Z']);
  });

  it('free slots skip what is booked and what is past', () => {
    const monday = Date.parse('2026-11-09T00:00:00Z');
    const slots = freeSlots(weekly, {
      from: monday,
      to: monday + 24 * H,
      durationMinutes: 60,
      busy: [{ start: Date.parse('2026-11-09T09:00:00Z'), end: Date.parse('2026-11-09T10:00:00Z') }],
      now: Date.parse('2026-11-09T08:10:00Z'),
    });
    // 09:00–10:00 local is past, 09:30 and 10:00 overlap the booking (10:00–11:00 local).
    expect(slots.map((s) => iso(s.start))).toEqual([
      '2026-11-09T10:00:00.000Z',
      '2026-11-09T13:00:00.000Z',
      '2026-11-09T13:30:00.000Z',
      '2026-11-09T14:00:00.000Z',
      '2026-11-09T14:30:00.000Z',
      '2026-11-09T15:00:00.000Z',
    ]);
    expect(withinAvailability(weekly, Date.parse('2026-11-09T10:00:00Z'), 60)).toBe(true);
    expect(withinAvailability(weekly, Date.parse('2026-11-09T10:30:00Z'), 60)).toBe(false);
  });
});
