import { describe, expect, it } from 'vitest';
import {
  checkExceptions,
  checkTypes,
  checkWeekly,
  collapseGroups,
  endFromInput,
  endToInput,
  formatClock,
  formatDay,
  formatTimer,
  fromWallClock,
  groupSlotsByDay,
  halfDaysOf,
  isIsoDate,
  locationLink,
  nextAppointment,
  parseClock,
  signaturePath,
  signedHalfDays,
  splitMinutes,
  wallClock,
} from './logic.ts';
import type { AttendanceRecord } from './types.ts';

describe('wall-clock times in Europe/Paris', () => {
  it('reads the local date and time on both sides of a daylight-saving change', () => {
    expect(wallClock('2026-01-15T08:00:00Z')).toEqual({ date: '2026-01-15', minutes: 9 * 60 });
    expect(wallClock('2026-07-15T07:00:00Z')).toEqual({ date: '2026-07-15', minutes: 9 * 60 });
    // 23:30 UTC on 31 December is already the next year in Paris.
    expect(wallClock('2025-12-31T23:30:00Z').date).toBe('2026-01-01');
  });

  it('formats French days and 24-hour times', () => {
    expect(formatDay('2026-01-13T13:30:00Z', 'fr-FR')).toBe('mardi 13 janvier');
    expect(formatDay('2026-01-13T13:30:00Z', 'fr-FR', 'Europe/Paris', true)).toBe('mardi 13 janvier 2026');
    expect(formatClock('2026-01-13T13:30:00Z', 'fr-FR')).toBe('14:30');
    expect(formatClock('2026-07-13T13:30:00Z', 'fr-FR')).toBe('15:30');
  });

  it('groups slots by local day, in order, a slot after 23:00 UTC landing on the next Paris day', () => {
    const days = groupSlotsByDay([
      { start: '2026-01-14T08:00:00Z', end: '2026-01-14T09:00:00Z' },
      { start: '2026-01-13T08:00:00Z', end: '2026-01-13T09:00:00Z' },
      { start: '2026-01-13T23:00:00Z', end: '2026-01-13T23:30:00Z' },
      { start: '2026-01-13T09:00:00Z', end: '2026-01-13T10:00:00Z' },
    ]);
    expect(days.map((d) => [d.date, d.slots.length])).toEqual([
      ['2026-01-13', 2],
      ['2026-01-14', 2],
    ]);
    expect(days[1]!.slots[0]!.start).toBe('2026-01-13T23:00:00Z');
  });
});

describe('durations and timers', () => {
  it('splits minutes into hours and minutes, keeping the sign apart', () => {
    expect(splitMinutes(90)).toEqual({ negative: false, hours: 1, minutes: 30 });
    expect(splitMinutes(-45)).toEqual({ negative: true, hours: 0, minutes: 45 });
    expect(splitMinutes(1380)).toEqual({ negative: false, hours: 23, minutes: 0 });
  });

  it('formats a timer, with hours only when needed and never negative', () => {
    expect(formatTimer(0)).toBe('00:00');
    expect(formatTimer(65_000)).toBe('01:05');
    expect(formatTimer(3_725_000)).toBe('1:02:05');
    expect(formatTimer(-5000)).toBe('00:00');
  });
});

describe('the availability editor', () => {
  it('turns an end of 00:00 into midnight and back', () => {
    expect(endFromInput('00:00')).toBe('24:00');
    expect(endFromInput('12:30')).toBe('12:30');
    expect(endToInput('24:00')).toBe('00:00');
  });

  it('accepts every day from 00:00 to 24:00 and non-overlapping ranges', () => {
    const allDay = [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, start: '00:00', end: '24:00' }));
    expect(checkWeekly(allDay)).toBeNull();
    expect(
      checkWeekly([
        { day: 1, start: '09:00', end: '12:00' },
        { day: 1, start: '12:00', end: '17:30' },
      ]),
    ).toBeNull();
  });

  it('names the day and the range of the first problem', () => {
    expect(checkWeekly([{ day: 2, start: '09:00', end: '' }])).toEqual({ code: 'format', day: 2, index: 0 });
    expect(checkWeekly([{ day: 3, start: '24:00', end: '24:00' }])).toMatchObject({ code: 'format' });
    expect(checkWeekly([{ day: 1, start: '09:03', end: '10:00' }])).toMatchObject({ code: 'step' });
    expect(
      checkWeekly([
        { day: 1, start: '08:00', end: '09:00' },
        { day: 4, start: '10:00', end: '10:00' },
      ]),
    ).toEqual({ code: 'order', day: 4, index: 0 });
    expect(
      checkWeekly([
        { day: 5, start: '09:00', end: '12:00' },
        { day: 5, start: '11:00', end: '13:00' },
      ]),
    ).toEqual({ code: 'overlap', day: 5, index: 1 });
  });

  it('checks exceptions: a closure may omit its times, an opening may not', () => {
    expect(checkExceptions([{ date: '2026-05-01', available: false, label: 'Férié' }])).toBeNull();
    expect(
      checkExceptions([{ date: '2026-05-02', available: true, start: '09:00', end: '12:00' }]),
    ).toBeNull();
    expect(checkExceptions([{ date: '2026-05-02', available: true }])).toEqual({ code: 'times', index: 0 });
    expect(checkExceptions([{ date: '', available: false }])).toEqual({ code: 'date', index: 0 });
    expect(
      checkExceptions([{ date: '2026-05-02', available: false, start: '14:00', end: '' }]),
    ).toMatchObject({
      code: 'times',
    });
    expect(
      checkExceptions([{ date: '2026-05-02', available: true, start: '14:00', end: '13:00' }]),
    ).toMatchObject({ code: 'order' });
  });
});

describe('attendance', () => {
  it('asks for two signatures only for a session spanning the lunch break, like the server otherwise', () => {
    // Paris is UTC+1 in January.
    expect(halfDaysOf({ start: '2026-01-13T08:00:00Z', end: '2026-01-13T09:00:00Z' })).toEqual(['am']);
    expect(halfDaysOf({ start: '2026-01-13T11:30:00Z', end: '2026-01-13T12:30:00Z' })).toEqual(['am']);
    expect(halfDaysOf({ start: '2026-01-13T12:00:00Z', end: '2026-01-13T14:00:00Z' })).toEqual(['pm']);
    expect(halfDaysOf({ start: '2026-01-13T08:00:00Z', end: '2026-01-13T15:00:00Z' })).toEqual(['am', 'pm']);
  });

  it('knows which half-days a person signed, corrections apart', () => {
    const record = (userId: string, halfDay: 'am' | 'pm', correctsSeq: number | null): AttendanceRecord => ({
      seq: 1,
      userId,
      name: 'x',
      role: 'learner',
      halfDay,
      method: 'confirmed',
      deviceAt: '',
      receivedAt: '',
      correctsSeq,
    });
    const signed = signedHalfDays(
      { attendance: [record('lea', 'am', null), record('claire', 'pm', null), record('lea', 'pm', 1)] },
      'lea',
    );
    expect([...signed]).toEqual(['am']);
  });

  it('turns strokes into SVG path data, a tap into a visible dot', () => {
    expect(
      signaturePath([
        [
          { x: 10, y: 20 },
          { x: 30.04, y: 40.26 },
        ],
        [{ x: 5, y: 5 }],
      ]),
    ).toBe('M10 20L30 40.3M5 5l0.1 0');
    expect(signaturePath([])).toBe('');
  });

  it('simplifies a long signature until it fits the server’s limit, keeping each stroke’s ends', () => {
    const stroke = Array.from({ length: 5000 }, (_, i) => ({ x: (i % 480) + 0.123, y: (i * 7) % 160 }));
    const path = signaturePath([stroke], 20_000);
    expect(path.length).toBeGreaterThan(0);
    expect(path.length).toBeLessThanOrEqual(20_000);
    expect(path.startsWith('M0.1 0')).toBe(true);
    expect(path.endsWith(`L${Math.round(((4999 % 480) + 0.123) * 10) / 10} ${(4999 * 7) % 160}`)).toBe(true);
  });
});

describe('nextAppointment', () => {
  const at = (id: string, start: string, end: string, status: 'booked' | 'held' | 'cancelled') =>
    ({ id, start, end, status }) as unknown as Parameters<typeof nextAppointment>[0][number];
  it('answers the earliest booked appointment not over yet, ignoring held and cancelled ones', () => {
    const list = [
      at('later', '2026-12-03T09:00:00Z', '2026-12-03T10:00:00Z', 'booked'),
      at('cancelled', '2026-12-01T09:00:00Z', '2026-12-01T10:00:00Z', 'cancelled'),
      at('held', '2026-11-30T09:00:00Z', '2026-11-30T10:00:00Z', 'held'),
      at('now', '2026-12-02T09:00:00Z', '2026-12-02T10:00:00Z', 'booked'),
    ];
    expect(nextAppointment(list, Date.parse('2026-12-02T09:30:00Z'))?.id).toBe('now');
    expect(nextAppointment(list, Date.parse('2026-12-02T10:00:00Z'))?.id).toBe('later');
    expect(nextAppointment(list, Date.parse('2026-12-04T00:00:00Z'))).toBeNull();
  });
});

describe('appointment types', () => {
  const ok = { label: 'Entretien', kind: 'individual' as const, durationMinutes: 60, mode: 'video' as const };

  it('accepts named types with a valid duration and at least one individual type', () => {
    expect(checkTypes([ok, { ...ok, label: 'Atelier', kind: 'group', durationMinutes: 180 }])).toBeNull();
  });

  it('names the first problem, as the server would', () => {
    expect(checkTypes([])).toEqual({ code: 'count' });
    expect(checkTypes([{ ...ok, label: '  ' }])).toEqual({ code: 'label', index: 0 });
    expect(checkTypes([ok, { ...ok, label: 'x'.repeat(101) }])).toEqual({ code: 'label_long', index: 1 });
    expect(checkTypes([ok, { ...ok, label: ' ENTRETIEN ' }])).toEqual({ code: 'duplicate', index: 1 });
    expect(checkTypes([{ ...ok, durationMinutes: 62 }])).toEqual({ code: 'duration', index: 0 });
    expect(checkTypes([{ ...ok, durationMinutes: NaN }])).toEqual({ code: 'duration', index: 0 });
    expect(checkTypes([{ ...ok, kind: 'group' }])).toEqual({ code: 'individual' });
  });
});

describe('group sessions', () => {
  it('shows a group once on the coach’s agenda, with how many are booked; every line for a learner', () => {
    const group = { id: 'g1', workshopId: 'w', workshopTitle: 'Atelier', location: null };
    const list = [
      { id: 'a', group },
      { id: 'b', group: null },
      { id: 'c', group },
    ];
    expect(collapseGroups(list, true).map((l) => [l.appointment.id, l.participants])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
    expect(collapseGroups(list, false)).toHaveLength(3);
  });

  it('links a location only when it is a web address', () => {
    expect(locationLink('https://visio.exemple.fr/atelier')).toBe('https://visio.exemple.fr/atelier');
    expect(locationLink('Salle 2, 3 rue des Lilas')).toBeNull();
    expect(locationLink('javascript:alert(1)')).toBeNull();
    expect(locationLink(null)).toBeNull();
  });

  it('reads a date and time on the coach’s wall clock across daylight-saving changes', () => {
    expect(new Date(fromWallClock('2026-10-21', 9 * 60)).toISOString()).toBe('2026-10-21T07:00:00.000Z');
    expect(new Date(fromWallClock('2026-11-02', 9 * 60)).toISOString()).toBe('2026-11-02T08:00:00.000Z');
    expect(new Date(fromWallClock('2026-11-02', 9 * 60, 'UTC')).toISOString()).toBe(
      '2026-11-02T09:00:00.000Z',
    );
    expect(parseClock('09:05')).toBe(545);
    expect(parseClock('09:03')).toBeNull();
    expect(parseClock('')).toBeNull();
    expect(isIsoDate('2026-02-30')).toBe(false);
    expect(isIsoDate('2026-02-28')).toBe(true);
  });
});
