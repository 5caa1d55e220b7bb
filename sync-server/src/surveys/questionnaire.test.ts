import { describe, expect, it } from 'vitest';
import { addMonths } from './job.ts';
import { QUESTIONS, aggregate, validateAnswers } from './questionnaire.ts';

const valid = { satisfaction: 4, objectives: 3, listening: 5, recommend: true };

describe('[SURVEY1] the questionnaire', () => {
  it('has the five questions of indicator 30, in French', () => {
    expect(QUESTIONS.map((q) => [q.id, q.type, q.required])).toEqual([
      ['satisfaction', 'scale', true],
      ['objectives', 'scale', true],
      ['listening', 'scale', true],
      ['recommend', 'yes-no', true],
      ['comment', 'text', false],
    ]);
    expect(QUESTIONS[2]!.label).toContain('écoute');
  });

  it('accepts a complete answer, trims the comment and stores an empty one as none', () => {
    expect(validateAnswers({ ...valid, comment: '  Très utile.  ' })).toEqual({
      ok: true,
      answers: { ...valid, comment: 'Très utile.' },
    });
    expect(validateAnswers({ ...valid, comment: '   ' })).toEqual({
      ok: true,
      answers: { ...valid, comment: null },
    });
    expect(validateAnswers(valid)).toEqual({ ok: true, answers: { ...valid, comment: null } });
    expect(validateAnswers({ ...valid, comment: 'é'.repeat(2000) }).ok).toBe(true);
  });

  it.each([
    [{ ...valid, satisfaction: undefined }, 'satisfaction globale : réponse obligatoire (note de 1 à 5)'],
    [{ ...valid, objectives: 6 }, 'objectifs atteints : note entière de 1 à 5 attendue'],
    [{ ...valid, listening: 2.5 }, 'qualité d’écoute : note entière de 1 à 5 attendue'],
    [{ ...valid, listening: '5' }, 'qualité d’écoute : note entière de 1 à 5 attendue'],
    [{ ...valid, recommend: 'oui' }, 'recommandation : oui ou non attendu (true ou false)'],
    [{ ...valid, recommend: undefined }, 'recommandation : réponse obligatoire (oui ou non)'],
    [{ ...valid, comment: 'x'.repeat(2001) }, 'commentaire : au plus 2000 caractères'],
    [{ ...valid, comment: 12 }, 'commentaire : texte attendu'],
    [{ ...valid, age: 40 }, 'age : question inconnue'],
  ])('refuses %j with a French message', (input, message) => {
    const result = validateAnswers(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(message);
  });

  it('refuses what is not an object', () => {
    for (const input of [null, 'tout va bien', [4, 4, 4], 5]) expect(validateAnswers(input).ok).toBe(false);
  });

  it('aggregates means, distributions and the share of « oui », skipping malformed values', () => {
    const results = aggregate([
      { ...valid, satisfaction: 5, comment: 'Bien' },
      { ...valid, satisfaction: 4, recommend: false, comment: null },
      { ...valid, satisfaction: 4 },
      { satisfaction: 9, recommend: 'peut-être' },
    ]);
    const byId = Object.fromEntries(results.map((r) => [r.id, r]));
    expect(byId['satisfaction']).toMatchObject({
      answered: 3,
      average: 4.33,
      distribution: [
        { value: 1, count: 0 },
        { value: 2, count: 0 },
        { value: 3, count: 0 },
        { value: 4, count: 2 },
        { value: 5, count: 1 },
      ],
    });
    expect(byId['recommend']).toMatchObject({
      answered: 3,
      average: 0.67,
      distribution: [
        { value: 'yes', count: 2 },
        { value: 'no', count: 1 },
      ],
    });
    expect(byId['comment']).toMatchObject({ answered: 1, average: null, distribution: [] });
    expect(aggregate([])[0]).toMatchObject({ answered: 0, average: null });
  });
});

describe('[SURVEY2] follow-up delay in calendar months', () => {
  it('keeps the day, or the last day of a shorter month', () => {
    expect(new Date(addMonths(Date.parse('2027-03-01T09:00:00Z'), 6)).toISOString()).toBe(
      '2027-09-01T09:00:00.000Z',
    );
    expect(new Date(addMonths(Date.parse('2027-08-31T10:00:00Z'), 6)).toISOString()).toBe(
      '2028-02-29T10:00:00.000Z',
    );
    expect(new Date(addMonths(Date.parse('2027-10-31T10:00:00Z'), 1)).toISOString()).toBe(
      '2027-11-30T10:00:00.000Z',
    );
  });
});
