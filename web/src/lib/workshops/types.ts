// Shapes of the workshop endpoints (contract shared with sync-server/src/routes/workshops.ts).
import type { UserId, WorkshopId } from '@compagnon/model';

export type WorkshopRole = 'coach' | 'participant';

/** One workshop of the caller's list (as coach or as participant). */
export interface WorkshopSummary {
  id: WorkshopId;
  title: string;
  coachName: string;
  participantCount: number;
  /** The shared document: `<id>.workshop`. */
  doc: string;
  createdAt: string;
}

export interface WorkshopCreated {
  id: WorkshopId;
  title: string;
  doc: string;
}

export interface WorkshopParticipant {
  userId: UserId;
  name: string;
  /** The participant's private answers: given to the coach, and to the participant for their own only. */
  answersDoc: string | null;
}

export interface WorkshopDetails {
  id: WorkshopId;
  title: string;
  doc: string;
  role: WorkshopRole;
  coach: { id: UserId; name: string };
  participants: WorkshopParticipant[];
  /** The caller's own answers document (participants only). */
  answersDoc: string | null;
}

/** Anonymous results of a poll: counts per option, never who voted what. */
export interface PollResults {
  counts: Record<string, number>;
  total: number;
  /** The caller's own vote (participants). */
  myVote: string | null;
}
