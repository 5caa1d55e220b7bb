import { describe, expect, it } from 'vitest';
import { alertLabel, formatDay, formatDays, formatMonth, formatRate, funderLabel } from './labels.ts';

// French is the base locale: without a stored choice, labels and formats are French.
describe('dashboard labels', () => {
  it('writes calendar days without moving them across a time zone', () => {
    expect(formatDay('2026-03-02')).toBe('2 mars 2026');
    expect(formatDay('2026-12-31')).toBe('31 décembre 2026');
    expect(formatDay('pas une date')).toBe('pas une date');
  });

  it('writes the contract dates whichever are known', () => {
    expect(formatDays('2026-03-02', '2026-06-30')).toBe('2 mars 2026 – 30 juin 2026');
    expect(formatDays('2026-03-02', null)).toBe('depuis le 2 mars 2026');
    expect(formatDays(null, '2026-06-30')).toBe("jusqu'au 30 juin 2026");
    expect(formatDays(null, null)).toBe('');
  });

  it('names months, rates, funders and alerts in French', () => {
    expect(formatMonth('2026-01')).toBe('janv. 2026');
    expect(formatMonth('2026-01', 'long')).toBe('janvier 2026');
    expect(formatRate(2 / 3).replace(/\s/g, ' ')).toBe('67 %');
    expect(formatRate(null)).toBe('—');
    expect(funderLabel('france_travail')).toBe('France Travail');
    expect(alertLabel('inactive')).toBe('Inactivité');
  });
});
