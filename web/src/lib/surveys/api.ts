// The survey endpoints, through the app's API client: failures are thrown as ApiError/NetworkError whose
// message (the server's, in French, or the client's own) can be shown as is.
import type { AccompanimentId } from '@compagnon/model';
import { request } from '../api/client.ts';
import { satisfactionQuery } from './logic.ts';
import type {
  PendingSurvey,
  SatisfactionFilters,
  SatisfactionReport,
  SurveyAnswers,
  SurveyDetail,
  SurveyKind,
} from './types.ts';

const segment = encodeURIComponent;

export const surveysApi = {
  pending: () => request<{ surveys: PendingSurvey[] }>('GET', '/api/surveys/pending'),
  get: (id: string) => request<SurveyDetail>('GET', `/api/surveys/${segment(id)}`),
  answer: (id: string, answers: SurveyAnswers) =>
    request<{ answeredAt: string }>('POST', `/api/surveys/${segment(id)}/answers`, { answers }),
  forAccompaniment: (id: AccompanimentId) =>
    request<{ surveys: SurveyDetail[] }>('GET', `/api/accompaniments/${segment(id)}/surveys`),
  send: (id: AccompanimentId, kind: SurveyKind) =>
    request<SurveyDetail>('POST', `/api/accompaniments/${segment(id)}/surveys`, { kind }),
  satisfaction: (filters: SatisfactionFilters = {}) => {
    const query = satisfactionQuery(filters);
    return request<SatisfactionReport>('GET', `/api/reports/satisfaction${query ? `?${query}` : ''}`);
  },
};
