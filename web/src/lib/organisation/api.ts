// The organisation endpoints (contract shared with sync-server/): the coach's organisation, its members and
// the invitation of coaches into it.
import { request } from '../api/client.ts';
import type { Invitation } from '../api/types.ts';

export type MembershipRole = 'manager' | 'coach';

export interface OrganisationMember {
  id: string;
  name: string;
  email: string;
  role: MembershipRole;
}

export interface Organisation {
  id: string;
  name: string;
  /** The signed-in coach's role. */
  role: MembershipRole;
  members: OrganisationMember[];
}

export interface OrganisationInvitationInfo {
  organisationName: string;
  inviterName: string;
  email: string;
}

const segment = encodeURIComponent;

export const organisationApi = {
  get: () => request<Organisation>('GET', '/api/organisation'),
  rename: (name: string) => request<Organisation>('PUT', '/api/organisation', { name }),
  invite: (email: string) => request<Invitation>('POST', '/api/organisation/invitations', { email }),
  invitation: (token: string) =>
    request<OrganisationInvitationInfo>('GET', `/api/organisation/invitations/${segment(token)}`),
  accept: (token: string, input: { name: string; password: string }) =>
    request<unknown>('POST', `/api/organisation/invitations/${segment(token)}/accept`, input),
};
