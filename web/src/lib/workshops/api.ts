// The workshop endpoints, through the app's API client: failures are thrown as ApiError/NetworkError whose
// message (the server's, in French, or the client's own) can be shown as is.
import type { AccompanimentId, UserId, WorkshopId } from '@compagnon/model';
import { request } from '../api/client.ts';
import type { PollResults, WorkshopCreated, WorkshopDetails, WorkshopSummary } from './types.ts';

const segment = encodeURIComponent;
const base = (id: WorkshopId): string => `/api/workshops/${segment(id)}`;

export const workshopsApi = {
  list: () => request<{ workshops: WorkshopSummary[] }>('GET', '/api/workshops'),
  create: (title: string) => request<WorkshopCreated>('POST', '/api/workshops', { title }),
  get: (id: WorkshopId) => request<WorkshopDetails>('GET', base(id)),
  addParticipant: (id: WorkshopId, accompanimentId: AccompanimentId) =>
    request<{ userId: UserId; name: string }>('POST', `${base(id)}/participants`, { accompanimentId }),
  removeParticipant: (id: WorkshopId, userId: UserId) =>
    request<void>('DELETE', `${base(id)}/participants/${segment(userId)}`),
  vote: (id: WorkshopId, pollId: string, optionId: string) =>
    request<PollResults>('PUT', `${base(id)}/polls/${segment(pollId)}/vote`, { optionId }),
  results: (id: WorkshopId, pollId: string) =>
    request<PollResults>('GET', `${base(id)}/polls/${segment(pollId)}`),
};
