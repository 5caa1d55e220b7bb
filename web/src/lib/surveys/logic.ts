// Pure helpers of the surveys UI: the form's draft and what is missing in it, the results' query string and
// the share of each value in a distribution.
import { COMMENT_MAX, SCALE_QUESTIONS, type SatisfactionFilters, type SurveyAnswers } from './types.ts';

/** What the learner has chosen so far: nothing is chosen for them. */
export interface SurveyDraft {
  satisfaction: number | null;
  objectives: number | null;
  listening: number | null;
  recommend: boolean | null;
  comment: string;
}

export const emptyDraft = (): SurveyDraft => ({
  satisfaction: null,
  objectives: null,
  listening: null,
  recommend: null,
  comment: '',
});

export type DraftProblem = 'missing' | 'too-long';

/** The question ids still to fix, in the form's order, each with why. Empty when the draft can be sent. */
export function draftProblems(draft: SurveyDraft): { id: string; problem: DraftProblem }[] {
  const problems: { id: string; problem: DraftProblem }[] = [];
  for (const id of SCALE_QUESTIONS) if (draft[id] === null) problems.push({ id, problem: 'missing' });
  if (draft.recommend === null) problems.push({ id: 'recommend', problem: 'missing' });
  if (draft.comment.trim().length > COMMENT_MAX) problems.push({ id: 'comment', problem: 'too-long' });
  return problems;
}

/** The answers to send, or null while something is missing. */
export function draftAnswers(draft: SurveyDraft): SurveyAnswers | null {
  if (draftProblems(draft).length > 0) return null;
  const comment = draft.comment.trim();
  return {
    satisfaction: draft.satisfaction ?? 0,
    objectives: draft.objectives ?? 0,
    listening: draft.listening ?? 0,
    recommend: draft.recommend ?? false,
    comment: comment === '' ? null : comment,
  };
}

export function satisfactionQuery(filters: SatisfactionFilters): string {
  const params = new URLSearchParams();
  for (const key of ['from', 'to', 'coachId', 'kind', 'funder'] as const) {
    const value = filters[key];
    if (value) params.set(key, value);
  }
  return params.toString();
}

/** Each count as a share of the total (0–1); all zero when there is none. */
export function shares(counts: readonly number[]): number[] {
  const total = counts.reduce((s, n) => s + n, 0);
  return counts.map((n) => (total === 0 ? 0 : n / total));
}
