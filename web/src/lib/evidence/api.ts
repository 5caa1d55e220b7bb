// The evidence, audit, closing and RGPD endpoints (contract shared with sync-server/, SPEC EVID, AUDIT, CLOSE,
// RGPD): download addresses of the PDFs, the closing workflow, the audit log, the account's data.
import type { AccompanimentId } from '@compagnon/model';
import { request } from '../api/client.ts';

export const KEEP_CHOICES = ['synthesis', 'exercises', 'files'] as const;
export type KeepChoice = (typeof KEEP_CHOICES)[number];
export type ClosingState = 'open' | 'requested' | 'agreed' | 'closed';

export interface Person {
  id: string;
  name: string;
}

export interface ClosingProof {
  closedAt: string;
  closedBy: Person;
  agreedAt: string;
  agreedBy: Person;
  keep: KeepChoice[];
  documents: { role: 'shared' | 'private'; name: string | null; updates: number; sha256: string }[];
  deletedFiles: string[];
  kept: { kind: KeepChoice; fileId: string; name: string; sha256: string; retainUntil: string }[];
}

export interface Closing {
  state: ClosingState;
  requestedAt: string | null;
  requestedBy: Person | null;
  agreement: { keep: KeepChoice[]; agreedAt: string; by: Person; text: string } | null;
  proof: ClosingProof | null;
  /** What a closing would destroy; null once closed. */
  inventory: { exercises: number; messages: number; files: number; synthesisWritten: boolean } | null;
  kept: { kind: KeepChoice; fileId: string; retainUntil: string }[];
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor: Person | null;
  action: string;
  targetType: string;
  targetId: string | null;
  summary: string;
}

export interface DeletionStatus {
  status: 'none' | 'pending' | 'cancelled' | 'completed';
  requestedAt: string | null;
  scheduledFor: string | null;
  keeps: string[];
}

export interface DeletionScheduled {
  requestedAt: string;
  scheduledFor: string;
  keeps: string[];
}

const segment = encodeURIComponent;
const acc = (id: AccompanimentId) => `/api/accompaniments/${segment(id)}`;

export const evidenceApi = {
  certificateUrl: (id: AccompanimentId) => `${acc(id)}/certificate.pdf`,
  evidenceUrl: (id: AccompanimentId) => `${acc(id)}/evidence.pdf`,
  activityUrl: (id: AccompanimentId) => `${acc(id)}/activity.pdf`,
  attendanceUrl: (id: AccompanimentId) => `${acc(id)}/attendance.pdf`,
  fileUrl: (fileId: string) => `/api/files/${segment(fileId)}`,
  closing: (id: AccompanimentId) => request<Closing>('GET', `${acc(id)}/closing`),
  requestClosing: (id: AccompanimentId) => request<Closing>('POST', `${acc(id)}/closing/request`),
  agreeClosing: (id: AccompanimentId, keep: KeepChoice[]) =>
    request<Closing>('POST', `${acc(id)}/closing/agreement`, { keep }),
  executeClosing: (id: AccompanimentId) =>
    request<{ proof: ClosingProof }>('POST', `${acc(id)}/closing/execute`),
  audit: (filter: { from?: string; to?: string; actorId?: string }) => {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(filter)) if (value) query.set(key, value);
    const qs = query.toString();
    return request<{ entries: AuditEntry[] }>('GET', `/api/audit${qs ? `?${qs}` : ''}`);
  },
  exportUrl: '/api/me/export',
  deletion: () => request<DeletionStatus>('GET', '/api/me/deletion'),
  requestDeletion: (password: string) =>
    request<DeletionScheduled>('POST', '/api/me/deletion', { confirm: true, password }),
  cancelDeletion: () => request<DeletionStatus>('DELETE', '/api/me/deletion'),
};
