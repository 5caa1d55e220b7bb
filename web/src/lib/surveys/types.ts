// Shapes of the survey endpoints (contract shared with sync-server/, SPEC SURVEY): the learner's pending
// questionnaires, one questionnaire, and the organisation's aggregated results (never who answered what).
import type { AccompanimentId } from '@compagnon/model';

export const SURVEY_KINDS = ['end', 'follow-up'] as const;
export type SurveyKind = (typeof SURVEY_KINDS)[number];

export interface PendingSurvey {
  id: string;
  accompanimentId: AccompanimentId;
  accompanimentTitle: string;
  kind: SurveyKind;
  sentAt: string;
  /** Open until then. */
  dueAt: string;
}

export type SurveyStatus = 'open' | 'answered' | 'closed';

export interface SurveyDetail extends PendingSurvey {
  status: SurveyStatus;
  answeredAt: string | null;
  mailedAt: string | null;
  reminders: number;
}

/** The questions of the fixed questionnaire (SURVEY1). */
export const SCALE_QUESTIONS = ['satisfaction', 'objectives', 'listening'] as const;
export type ScaleQuestionId = (typeof SCALE_QUESTIONS)[number];
export type QuestionId = ScaleQuestionId | 'recommend' | 'comment';

export const COMMENT_MAX = 2000;

export interface SurveyAnswers {
  satisfaction: number;
  objectives: number;
  listening: number;
  recommend: boolean;
  comment: string | null;
}

export interface QuestionResult {
  id: string;
  /** French, from the server: shown when the app has no label of its own for this question. */
  label: string;
  type: 'scale' | 'yes-no' | 'text';
  answered: number;
  /** scale: mean 1–5; yes-no: share of « oui » (0–1); text: null. */
  average: number | null;
  distribution: { value: number | 'yes' | 'no'; count: number }[];
}

export interface SatisfactionReport {
  period: { from: string | null; to: string | null };
  sent: number;
  responses: number;
  responseRate: number;
  questions: QuestionResult[];
  comments: { at: string; text: string }[];
}

/** `from`/`to`: calendar days ('YYYY-MM-DD', both included) or ISO instants. */
export interface SatisfactionFilters {
  from?: string;
  to?: string;
  coachId?: string;
  kind?: SurveyKind;
  funder?: string;
}
