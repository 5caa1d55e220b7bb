// Locale-dependent labels of the satisfaction surveys (French first, English second).
import { intlLocale } from '../i18n.ts';
import { m } from '../paraglide/messages.js';
import type { QuestionId, ScaleQuestionId, SurveyKind } from './types.ts';

export function questionLabel(id: QuestionId): string {
  switch (id) {
    case 'satisfaction':
      return m.survey_q_satisfaction();
    case 'objectives':
      return m.survey_q_objectives();
    case 'listening':
      return m.survey_q_listening();
    case 'recommend':
      return m.survey_q_recommend();
    case 'comment':
      return m.survey_q_comment();
  }
}

/** The words at both ends of a 1–5 scale. */
export function scaleEnds(id: ScaleQuestionId): { min: string; max: string } {
  switch (id) {
    case 'satisfaction':
      return { min: m.survey_satisfaction_min(), max: m.survey_satisfaction_max() };
    case 'objectives':
      return { min: m.survey_objectives_min(), max: m.survey_objectives_max() };
    case 'listening':
      return { min: m.survey_listening_min(), max: m.survey_listening_max() };
  }
}

export function kindLabel(kind: SurveyKind): string {
  return kind === 'end' ? m.survey_kind_end() : m.survey_kind_follow_up();
}

/** The app's label of a question the server reports, or the server's own for one this version does not know. */
export function resultLabel(id: string, serverLabel: string): string {
  const known: QuestionId[] = ['satisfaction', 'objectives', 'listening', 'recommend', 'comment'];
  return (known as string[]).includes(id) ? questionLabel(id as QuestionId) : serverLabel;
}

export function formatPercent(share: number): string {
  return new Intl.NumberFormat(intlLocale(), { style: 'percent', maximumFractionDigits: 0 }).format(share);
}

export function formatAverage(value: number): string {
  return new Intl.NumberFormat(intlLocale(), { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(
    value,
  );
}

export function formatCount(value: number): string {
  return new Intl.NumberFormat(intlLocale()).format(value);
}
