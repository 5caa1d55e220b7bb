// The reporting endpoints, through the app's API client: failures are thrown as ApiError/NetworkError whose
// message (the server's, in French, or the client's own) can be shown as is.
import type { AccompanimentId } from '@compagnon/model';
import { request } from '../api/client.ts';
import { reportQuery } from './logic.ts';
import type {
  AdminFacts,
  AdminInput,
  CaseloadRow,
  CoReferent,
  OrganisationReport,
  Period,
  ReportFilters,
} from './types.ts';

const segment = encodeURIComponent;
const acc = (id: AccompanimentId): string => `/api/accompaniments/${segment(id)}`;

export const dashboardApi = {
  caseload: () => request<{ rows: CaseloadRow[] }>('GET', '/api/reports/caseload'),
  organisation: (filters: ReportFilters) =>
    request<OrganisationReport>('GET', `/api/reports/organisation?${reportQuery(filters)}`),
  /** Where the hours of the period are downloaded (CSV): the caller's caseload, or the organisation's. */
  hoursCsvUrl: (period: Period) => `/api/reports/hours.csv?${reportQuery(period)}`,
  admin: (id: AccompanimentId) => request<AdminFacts>('GET', `${acc(id)}/admin`),
  saveAdmin: (id: AccompanimentId, input: AdminInput) =>
    request<AdminFacts>('PATCH', `${acc(id)}/admin`, input),
  coReferents: (id: AccompanimentId) =>
    request<{ coReferents: CoReferent[] }>('GET', `${acc(id)}/co-referents`),
  addCoReferent: (id: AccompanimentId, coachId: string) =>
    request<unknown>('POST', `${acc(id)}/co-referents`, { coachId }),
  removeCoReferent: (id: AccompanimentId, coachId: string) =>
    request<unknown>('DELETE', `${acc(id)}/co-referents/${segment(coachId)}`),
};
