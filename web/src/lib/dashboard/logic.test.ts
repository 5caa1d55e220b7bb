import type { AccompanimentId } from '@compagnon/model';
import { describe, expect, it } from 'vitest';
import {
  adminInput,
  alertCounts,
  checkAdmin,
  checkPeriod,
  defaultPeriod,
  fillMonths,
  filterRows,
  isDay,
  monthsOf,
  nextSort,
  niceScale,
  reportQuery,
  selectableStatuses,
  sortRows,
  today,
  type AdminForm,
} from './logic.ts';
import type { CaseloadRow } from './types.ts';

function row(title: string, patch: Partial<CaseloadRow> = {}): CaseloadRow {
  return {
    accompanimentId: `id-${title}` as AccompanimentId,
    title,
    kind: 'bilan',
    status: 'active',
    funder: null,
    learnerName: null,
    coachName: 'Claire Dubois',
    progress: { done: 0, total: 0, percent: 0 },
    contractedMinutes: 1440,
    providerMinutes: 0,
    remainingMinutes: 1440,
    nextAppointmentAt: null,
    lastLearnerActivityAt: null,
    synthesisValidatedAt: null,
    startDate: null,
    endDate: null,
    alerts: [],
    ...patch,
  };
}

const titles = (rows: CaseloadRow[]): string[] => rows.map((r) => r.title);

describe('calendar days and periods', () => {
  it('accepts real days only', () => {
    expect(isDay('2026-02-28')).toBe(true);
    expect(isDay('2024-02-29')).toBe(true);
    expect(isDay('2026-02-29')).toBe(false);
    expect(isDay('2026-13-01')).toBe(false);
    expect(isDay('26-01-01')).toBe(false);
    expect(isDay('')).toBe(false);
  });

  it('reads today on the Paris wall clock', () => {
    // 23:30 UTC on 31 December is already New Year's Day in Paris.
    expect(today(Date.parse('2025-12-31T23:30:00Z'))).toBe('2026-01-01');
  });

  it('defaults to the twelve months ending with the current one, across a year', () => {
    expect(defaultPeriod('2026-03-15')).toEqual({ from: '2025-04-01', to: '2026-03-31' });
    expect(defaultPeriod('2026-12-01')).toEqual({ from: '2026-01-01', to: '2026-12-31' });
    expect(defaultPeriod('2024-02-10')).toEqual({ from: '2023-03-01', to: '2024-02-29' });
  });

  it('says what is wrong with a period', () => {
    expect(checkPeriod({ from: '2026-01-01', to: '2026-01-31' })).toBeNull();
    expect(checkPeriod({ from: '2026-01-01', to: '2026-01-01' })).toBeNull();
    expect(checkPeriod({ from: '', to: '2026-01-31' })).toBe('missing');
    expect(checkPeriod({ from: '2026-02-30', to: '2026-03-31' })).toBe('invalid');
    expect(checkPeriod({ from: '2026-02-01', to: '2026-01-31' })).toBe('order');
  });

  it('builds the query of a report without the empty filters', () => {
    expect(reportQuery({ from: '2026-01-01', to: '2026-12-31', coachId: '', funder: 'cpf' })).toBe(
      'from=2026-01-01&to=2026-12-31&funder=cpf',
    );
    expect(reportQuery({ from: '2026-01-01', to: '2026-01-31', kind: 'bilan', coachId: 'a&b' })).toBe(
      'from=2026-01-01&to=2026-01-31&coachId=a%26b&kind=bilan',
    );
  });
});

describe('months of a chart', () => {
  it('lists every month the period touches, across years', () => {
    expect(monthsOf({ from: '2025-11-15', to: '2026-02-01' })).toEqual([
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
    ]);
    expect(monthsOf({ from: '2026-02-01', to: '2026-01-01' })).toEqual([]);
    expect(monthsOf({ from: '2000-01-01', to: '2099-12-31' })).toHaveLength(120);
  });

  it('shows the months without delivered hours at zero, and keeps what the server sent', () => {
    expect(
      fillMonths(
        [
          { month: '2026-03', minutes: 90 },
          { month: '2026-01', minutes: 60 },
        ],
        { from: '2026-01-01', to: '2026-03-31' },
      ),
    ).toEqual([
      { month: '2026-01', minutes: 60 },
      { month: '2026-02', minutes: 0 },
      { month: '2026-03', minutes: 90 },
    ]);
    expect(fillMonths([{ month: '2025-12', minutes: 30 }], { from: '2026-01-01', to: '2026-01-31' })).toEqual(
      [
        { month: '2025-12', minutes: 30 },
        { month: '2026-01', minutes: 0 },
      ],
    );
  });
});

describe('chart scale', () => {
  it('rounds the top of the axis up to a readable step', () => {
    expect(niceScale(37)).toEqual({ max: 40, ticks: [0, 10, 20, 30, 40] });
    expect(niceScale(100)).toEqual({ max: 100, ticks: [0, 25, 50, 75, 100] });
    expect(niceScale(3)).toEqual({ max: 3, ticks: [0, 1, 2, 3] });
    expect(niceScale(1.5).max).toBeGreaterThanOrEqual(1.5);
  });

  it('keeps whole numbers on the axis of a count', () => {
    expect(niceScale(2)).toEqual({ max: 2, ticks: [0, 0.5, 1, 1.5, 2] });
    expect(niceScale(2, { integers: true })).toEqual({ max: 2, ticks: [0, 1, 2] });
    expect(niceScale(1, { integers: true })).toEqual({ max: 1, ticks: [0, 1] });
    expect(niceScale(9, { integers: true })).toEqual({ max: 9, ticks: [0, 3, 6, 9] });
  });

  it('draws an empty chart on a unit axis', () => {
    expect(niceScale(0)).toEqual({ max: 1, ticks: [0, 1] });
    expect(niceScale(Number.NaN)).toEqual({ max: 1, ticks: [0, 1] });
  });
});

describe('the caseload table', () => {
  const rows = [
    row('Bilan — Léa', {
      learnerName: 'Léa Martin',
      alerts: [{ kind: 'inactive', message: 'Aucune contribution depuis 12 jours' }],
      progress: { done: 2, total: 10, percent: 20 },
      nextAppointmentAt: '2026-03-02T09:00:00.000Z',
      lastLearnerActivityAt: '2026-02-01T09:00:00.000Z',
    }),
    row('Coaching — Hugo', {
      learnerName: 'Hugo Bernard',
      status: 'completed',
      funder: 'cpf',
      progress: { done: 5, total: 5, percent: 100 },
      lastLearnerActivityAt: '2026-02-20T09:00:00.000Z',
    }),
    row('Outplacement — en attente', {
      alerts: [
        { kind: 'inactive', message: 'Aucune contribution depuis 30 jours' },
        { kind: 'no-next-appointment', message: 'Aucun rendez-vous prévu' },
      ],
      nextAppointmentAt: '2026-02-25T09:00:00.000Z',
      remainingMinutes: 120,
    }),
  ];

  it('opens on the rows that need attention', () => {
    expect(titles(sortRows(rows, { key: 'alerts', direction: 'descending' }))).toEqual([
      'Outplacement — en attente',
      'Bilan — Léa',
      'Coaching — Hugo',
    ]);
  });

  it('sorts names the French way and keeps missing values last in both directions', () => {
    expect(titles(sortRows(rows, { key: 'learner', direction: 'ascending' }))).toEqual([
      'Coaching — Hugo',
      'Bilan — Léa',
      'Outplacement — en attente',
    ]);
    expect(titles(sortRows(rows, { key: 'learner', direction: 'descending' }))).toEqual([
      'Bilan — Léa',
      'Coaching — Hugo',
      'Outplacement — en attente',
    ]);
    expect(titles(sortRows(rows, { key: 'nextAppointment', direction: 'ascending' }))).toEqual([
      'Outplacement — en attente',
      'Bilan — Léa',
      'Coaching — Hugo',
    ]);
    expect(titles(sortRows(rows, { key: 'funder', direction: 'descending' }))[2]).toBe(
      'Outplacement — en attente',
    );
  });

  it('sorts numbers as numbers and breaks ties by title', () => {
    expect(titles(sortRows(rows, { key: 'progress', direction: 'descending' }))).toEqual([
      'Coaching — Hugo',
      'Bilan — Léa',
      'Outplacement — en attente',
    ]);
    expect(titles(sortRows(rows, { key: 'hours', direction: 'ascending' }))).toEqual([
      'Outplacement — en attente',
      'Bilan — Léa',
      'Coaching — Hugo',
    ]);
    expect(titles(sortRows(rows, { key: 'status', direction: 'ascending' }))).toEqual([
      'Bilan — Léa',
      'Outplacement — en attente',
      'Coaching — Hugo',
    ]);
  });

  it('flips the sorted column and starts others in their natural direction', () => {
    expect(nextSort({ key: 'title', direction: 'ascending' }, 'title')).toEqual({
      key: 'title',
      direction: 'descending',
    });
    expect(nextSort({ key: 'title', direction: 'ascending' }, 'alerts').direction).toBe('descending');
    expect(nextSort({ key: 'alerts', direction: 'descending' }, 'lastActivity').direction).toBe('ascending');
  });

  it('filters by alert and by status', () => {
    expect(titles(filterRows(rows, { alert: 'all', status: 'all' }))).toHaveLength(3);
    expect(titles(filterRows(rows, { alert: 'any', status: 'all' }))).toEqual([
      'Bilan — Léa',
      'Outplacement — en attente',
    ]);
    expect(titles(filterRows(rows, { alert: 'none', status: 'all' }))).toEqual(['Coaching — Hugo']);
    expect(titles(filterRows(rows, { alert: 'no-next-appointment', status: 'all' }))).toEqual([
      'Outplacement — en attente',
    ]);
    expect(titles(filterRows(rows, { alert: 'inactive', status: 'completed' }))).toEqual([]);
    expect(titles(filterRows(rows, { alert: 'all', status: 'completed' }))).toEqual(['Coaching — Hugo']);
  });

  it('counts the rows carrying each kind of alert', () => {
    const counts = alertCounts([
      ...rows,
      row('Doublon', {
        alerts: [
          { kind: 'hours', message: 'a' },
          { kind: 'hours', message: 'b' },
        ],
      }),
    ]);
    expect(counts.get('inactive')).toBe(2);
    expect(counts.get('no-next-appointment')).toBe(1);
    expect(counts.get('hours')).toBe(1);
    expect(counts.get('phase-overdue')).toBeUndefined();
  });
});

describe('the administrative form', () => {
  const form = (patch: Partial<AdminForm> = {}): AdminForm => ({
    funder: '',
    startDate: '',
    endDate: '',
    status: 'active',
    endReason: '',
    ...patch,
  });

  it('accepts an empty form and a complete one', () => {
    expect(checkAdmin(form())).toEqual([]);
    expect(
      checkAdmin(
        form({ funder: 'cpf', startDate: '2026-03-02', endDate: '2026-06-30', status: 'completed' }),
      ),
    ).toEqual([]);
  });

  it('refuses an end before the start, impossible days and an abandonment without reason', () => {
    expect(checkAdmin(form({ startDate: '2026-03-02', endDate: '2026-03-01' }))).toEqual([
      'end-before-start',
    ]);
    expect(checkAdmin(form({ startDate: '2026-02-30', endDate: '2026-13-01' }))).toEqual([
      'start-invalid',
      'end-invalid',
    ]);
    expect(checkAdmin(form({ status: 'abandoned', endReason: '   ' }))).toEqual(['reason-required']);
    expect(checkAdmin(form({ status: 'abandoned', endReason: 'Reprise d’emploi' }))).toEqual([]);
  });

  it('sends empty fields as null and no end reason while under way', () => {
    expect(adminInput(form({ funder: 'cpf', startDate: '2026-03-02', endReason: 'oublié' }))).toEqual({
      funder: 'cpf',
      startDate: '2026-03-02',
      endDate: null,
      status: 'active',
    });
    expect(adminInput(form({ status: 'abandoned', endReason: '  Déménagement ' })).endReason).toBe(
      'Déménagement',
    );
    expect(adminInput(form({ status: 'completed' }))).toHaveProperty('endReason', null);
  });

  it('never offers to close (the closing procedure does) nor to reopen a closed accompaniment', () => {
    expect(selectableStatuses('active')).toEqual(['active', 'completed', 'abandoned']);
    expect(selectableStatuses('abandoned')).toEqual(['active', 'completed', 'abandoned']);
    expect(selectableStatuses('closed')).toEqual(['closed']);
  });
});
