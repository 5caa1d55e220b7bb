import { describe, expect, it } from 'vitest';
import { draftAnswers, draftProblems, emptyDraft, satisfactionQuery, shares } from './logic.ts';

describe('survey form draft', () => {
  it('lists every unanswered question, in order, and nothing once complete', () => {
    expect(draftProblems(emptyDraft()).map((p) => p.id)).toEqual([
      'satisfaction',
      'objectives',
      'listening',
      'recommend',
    ]);
    const done = { ...emptyDraft(), satisfaction: 4, objectives: 3, listening: 5, recommend: false };
    expect(draftProblems(done)).toEqual([]);
    expect(draftAnswers(done)).toEqual({ ...done, comment: null });
  });

  it('refuses a comment over 2000 characters, trims the rest', () => {
    const base = { ...emptyDraft(), satisfaction: 1, objectives: 1, listening: 1, recommend: true };
    expect(draftProblems({ ...base, comment: 'x'.repeat(2001) })).toEqual([
      { id: 'comment', problem: 'too-long' },
    ]);
    expect(draftAnswers({ ...base, comment: 'x'.repeat(2001) })).toBeNull();
    expect(draftAnswers({ ...base, comment: '  Merci  ' })?.comment).toBe('Merci');
  });
});

describe('results helpers', () => {
  it('builds the query string of the filters given', () => {
    expect(satisfactionQuery({})).toBe('');
    expect(satisfactionQuery({ from: '2027-01-01', to: '2027-03-31', kind: 'end', coachId: '' })).toBe(
      'from=2027-01-01&to=2027-03-31&kind=end',
    );
  });

  it('gives shares of a distribution', () => {
    expect(shares([1, 3, 0])).toEqual([0.25, 0.75, 0]);
    expect(shares([0, 0])).toEqual([0, 0]);
  });
});
