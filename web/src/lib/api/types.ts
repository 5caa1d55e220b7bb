// Shapes of the server's JSON API (contract shared with sync-server/).
import type { AccompanimentId, AccompanimentKind } from '@compagnon/model';

export type Role = 'coach' | 'learner';

export interface Me {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export interface PersonRef {
  id: string;
  name: string;
}

export interface Accompaniment {
  id: AccompanimentId;
  title: string;
  kind: AccompanimentKind;
  hoursBudget: number;
  sharedDoc: string;
  /** Null for the learner, who never receives the coach-private document. */
  privateDoc: string | null;
  /** The role of the signed-in user in this accompaniment. */
  role: Role;
  coach: PersonRef;
  learner: (PersonRef & { email: string }) | null;
  createdAt: string;
}

export interface NewAccompaniment {
  title: string;
  kind: AccompanimentKind;
  hoursBudget: number;
}

export interface Invitation {
  token: string;
  url: string;
  email: string;
  expiresAt: string;
  emailSent: boolean;
}

export interface InvitationInfo {
  accompanimentTitle: string;
  coachName: string;
  email: string;
  expiresAt?: string;
}

export interface SignUpInput {
  name: string;
  email: string;
  password: string;
}

export interface SignInInput {
  email: string;
  password: string;
}

export interface AcceptInvitationInput {
  name: string;
  password: string;
}
