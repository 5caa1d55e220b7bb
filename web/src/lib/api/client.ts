// Typed fetch client for the same-origin API. Every failure becomes a thrown ApiError/NetworkError whose
// message can be shown as is.
import { m } from '../paraglide/messages.js';
import type { AccompanimentId } from '@compagnon/model';
import { ApiError, NetworkError, errorFromBody } from './errors.ts';
import type {
  AcceptInvitationInput,
  Accompaniment,
  CoachSettings,
  Invitation,
  InvitationInfo,
  Me,
  MessagesUnread,
  NewAccompaniment,
  SignInInput,
  SignUpInput,
  NewSynthesisConsent,
  Synthesis,
  SynthesisConsent,
  TimelineEntry,
} from './types.ts';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

function fallbackMessage(status: number): string {
  if (status === 401) return m.error_unauthorized();
  if (status === 403) return m.error_forbidden();
  if (status === 404) return m.error_not_found();
  if (status === 429) return m.error_too_many();
  if (status >= 500) return m.error_server();
  return m.error_generic();
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  // The server rejects mutations without a JSON content type (CSRF protection), even when empty.
  if (method !== 'GET') headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
    });
  } catch {
    throw new NetworkError(m.error_network());
  }
  const data = await readJson(res);
  if (!res.ok) throw new ApiError(res.status, errorFromBody(data) ?? fallbackMessage(res.status));
  return data as T;
}

const segment = encodeURIComponent;

export const api = {
  health: () => request<{ ok: boolean }>('GET', '/api/health'),
  me: () => request<Me>('GET', '/api/me'),
  signUp: (input: SignUpInput) => request<unknown>('POST', '/api/auth/sign-up/email', input),
  signIn: (input: SignInInput) => request<unknown>('POST', '/api/auth/sign-in/email', input),
  signOut: () => request<void>('POST', '/api/auth/sign-out'),
  listAccompaniments: () => request<Accompaniment[]>('GET', '/api/accompaniments'),
  getAccompaniment: (id: AccompanimentId) =>
    request<Accompaniment>('GET', `/api/accompaniments/${segment(id)}`),
  createAccompaniment: (input: NewAccompaniment) =>
    request<Accompaniment>('POST', '/api/accompaniments', input),
  invite: (id: AccompanimentId, email: string) =>
    request<Invitation>('POST', `/api/accompaniments/${segment(id)}/invitations`, { email }),
  timeline: (id: AccompanimentId) =>
    request<TimelineEntry[]>('GET', `/api/accompaniments/${segment(id)}/timeline`),
  synthesis: (id: AccompanimentId) =>
    request<Synthesis>('GET', `/api/accompaniments/${segment(id)}/synthesis`),
  validateSynthesis: (id: AccompanimentId) =>
    request<{ validatedAt: string; version: number }>(
      'POST',
      `/api/accompaniments/${segment(id)}/synthesis/validation`,
    ),
  synthesisConsents: (id: AccompanimentId) =>
    request<SynthesisConsent[]>('GET', `/api/accompaniments/${segment(id)}/synthesis/consents`),
  addSynthesisConsent: (id: AccompanimentId, input: NewSynthesisConsent) =>
    request<SynthesisConsent>('POST', `/api/accompaniments/${segment(id)}/synthesis/consents`, input),
  revokeSynthesisConsent: (id: AccompanimentId, consentId: string) =>
    request<SynthesisConsent>(
      'DELETE',
      `/api/accompaniments/${segment(id)}/synthesis/consents/${segment(consentId)}`,
    ),
  sendSynthesis: (id: AccompanimentId, consentId: string) =>
    request<{ sentAt: string; to: string; consentId: string }>(
      'POST',
      `/api/accompaniments/${segment(id)}/synthesis/send`,
      { consentId },
    ),
  messagesUnread: (id: AccompanimentId) =>
    request<MessagesUnread>('GET', `/api/accompaniments/${segment(id)}/messages/unread`),
  markMessagesRead: (id: AccompanimentId, at: number) =>
    request<MessagesUnread>('POST', `/api/accompaniments/${segment(id)}/messages/read`, { at }),
  synthesisPdfUrl: (id: AccompanimentId) => `/api/accompaniments/${segment(id)}/synthesis.pdf`,
  updateSettings: (settings: CoachSettings) => request<unknown>('PUT', '/api/settings', settings),
  getInvitation: (token: string) => request<InvitationInfo>('GET', `/api/invitations/${segment(token)}`),
  acceptInvitation: (token: string, input: AcceptInvitationInput) =>
    request<unknown>('POST', `/api/invitations/${segment(token)}/accept`, input),
};
