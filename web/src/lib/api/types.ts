// Shapes of the server's JSON API (contract shared with sync-server/).
import type { AccompanimentId, AccompanimentKind, AdaptationKind, TemplateId } from '@compagnon/model';

export type Role = 'coach' | 'learner';

export interface CoachSettings {
  /** Days without a learner contribution after which an accompaniment is flagged inactive. */
  inactivityDays: number;
}

export interface Me {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** Coaches only. */
  settings?: CoachSettings;
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
  /** Absent from answers cached before the server reported them. */
  progress?: AccompanimentProgress;
  adaptations?: number;
  lastLearnerActivityAt?: string | null;
  /** No learner contribution for `inactivityDays` days. */
  inactive?: boolean;
  inactivityDays?: number;
}

export interface AccompanimentProgress {
  stepsTotal: number;
  stepsDone: number;
  byPhase: { phaseId: string; title: string; total: number; done: number }[];
}

export interface NewAccompaniment {
  title: string;
  kind: AccompanimentKind;
  hoursBudget: number;
  /** The pathway to start from; the server defaults to the kind's phases without steps. */
  template?: TemplateId;
}

/** One adaptation as the server recorded it, with the authenticated author. */
export interface TimelineEntry {
  id: string;
  /** Device time of the change and server receipt time: ISO strings or ms since epoch. */
  at: string | number;
  receivedAt: string | number | null;
  /** Null when the server could not match the author to a participant. */
  by: { id: string; name: string; role: Role } | null;
  kind: AdaptationKind;
  step: { id: string; title: string };
  reason: string | null;
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

/** The document de synthèse as the server reads it, with the learner's validations (oldest first). */
export interface Synthesis {
  sections: { key: string; title: string; text: string }[];
  validations: {
    validatedAt: string;
    by: PersonRef;
    hash: string;
    /** The text is still the one validated. */
    current: boolean;
  }[];
}

/** The learner's consent to pass the synthesis to someone else (SYN6–SYN9). */
export interface SynthesisConsent {
  id: string;
  recipientName: string;
  recipientEmail: string;
  purpose: string;
  consentedAt: string;
  by: PersonRef;
  hash: string;
  revokedAt: string | null;
  /** Not revoked and about the validated text as it is now: the coach may send the synthesis with it. */
  valid: boolean;
  sends: { sentAt: string; by: PersonRef; delivered: boolean }[];
}

export interface NewSynthesisConsent {
  recipientName: string;
  recipientEmail: string;
  purpose: string;
}

/** The caller's unread messages of a thread, as the server recorded them (MSG5). */
export interface MessagesUnread {
  unread: number;
  lastReadAt: number | null;
}
