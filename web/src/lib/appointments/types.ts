// Shapes of the scheduling API (contract shared with sync-server/): times are ISO-8601 UTC strings,
// durations are minutes.
import type { AccompanimentId } from '@compagnon/model';
import type { PersonRef, Role } from '../api/types.ts';

export type AppointmentMode = 'video' | 'onsite' | 'phone';
export type AppointmentStatus = 'booked' | 'held' | 'cancelled';
export type HalfDay = 'am' | 'pm';
export type AttendanceMethod = 'drawn' | 'confirmed';
export type AppointmentKind = 'individual' | 'group';

/** A coach's preset: a name, individual or group, a duration and a mode. */
export interface AppointmentType {
  id: string;
  label: string;
  kind: AppointmentKind;
  durationMinutes: number;
  mode: AppointmentMode;
}

/** A type being edited: no id yet for a new one (the server gives it). */
export type AppointmentTypeDraft = Omit<AppointmentType, 'id'> & { id?: string };

/** The group session (workshop) an appointment belongs to. */
export interface GroupRef {
  id: string;
  workshopId: string;
  workshopTitle: string;
  /** The place, the number to call or the link of an external video call. */
  location: string | null;
}

/** ISO weekday: 1 = lundi … 7 = dimanche. */
export interface WeeklyRange {
  day: number;
  /** 'HH:MM'; an end of '24:00' is midnight at the end of the day. */
  start: string;
  end: string;
}

export interface AvailabilityException {
  date: string;
  /** false: closed (the whole day without times); true: extra opening hours. */
  available: boolean;
  start?: string;
  end?: string;
  label?: string;
}

export interface Availability {
  timeZone: string;
  weekly: WeeklyRange[];
  exceptions: AvailabilityException[];
  /** How long before an appointment the reminder e-mail leaves (0–168). */
  reminderHours: number;
}

export interface Slot {
  start: string;
  end: string;
}

export interface Slots {
  timeZone: string;
  slots: Slot[];
}

export interface CallLog {
  userId: string;
  name: string;
  joinedAt: string;
  leftAt: string | null;
}

export interface AttendanceRecord {
  seq: number;
  userId: string;
  name: string;
  role: Role;
  halfDay: HalfDay;
  method: AttendanceMethod;
  deviceAt: string;
  receivedAt: string;
  correctsSeq: number | null;
}

export interface Appointment {
  id: string;
  accompanimentId: AccompanimentId;
  start: string;
  end: string;
  durationMinutes: number;
  mode: AppointmentMode;
  status: AppointmentStatus;
  cancelReason: string | null;
  countedMinutes: number | null;
  phase: string | null;
  createdBy: PersonRef;
  sequence: number;
  /** The label of the type it was booked with, if any. */
  typeLabel?: string | null;
  /** Set for a participant's appointment of a workshop's group session. */
  group?: GroupRef | null;
  calls: CallLog[];
  attendance: AttendanceRecord[];
}

/** An appointment of the caller's agenda, across accompaniments. */
export interface AgendaAppointment extends Appointment {
  accompanimentTitle: string;
  learnerName: string | null;
}

/** A booking: with a type of the coach (the learner's form), or a free duration and mode (the coach's). */
export type NewAppointment =
  | { accompanimentId: AccompanimentId; start: string; typeId: string }
  | { accompanimentId: AccompanimentId; start: string; durationMinutes: number; mode: AppointmentMode };

export interface GroupSessionParticipant {
  userId: string | null;
  name: string;
  accompanimentId: AccompanimentId;
  appointmentId: string;
  status: AppointmentStatus;
  countedMinutes: number | null;
  signedHalfDays: HalfDay[];
}

/** A workshop's group session: the coach sees every participant, a participant their own appointment. */
export interface GroupSession {
  id: string;
  workshopId: string;
  workshopTitle: string;
  start: string;
  end: string;
  durationMinutes: number;
  mode: AppointmentMode;
  location: string | null;
  typeLabel: string | null;
  status: AppointmentStatus;
  cancelReason: string | null;
  sequence: number;
  participantCount: number;
  participants: GroupSessionParticipant[];
  coachSignedHalfDays: HalfDay[];
  mine: Appointment | null;
}

export type NewGroupSession =
  | { start: string; typeId: string; location?: string }
  | { start: string; durationMinutes: number; mode: AppointmentMode; location?: string };

/** What the coach does to a group session, each through a dialog. */
export type GroupSessionAction = 'move' | 'cancel' | 'held';

export interface Hours {
  contractedMinutes: number;
  providerMinutes: number;
  personalMinutes: number;
  remainingMinutes: number;
  byPhase: { phase: string | null; minutes: number }[];
  /** 1440 (24 h) for a bilan de compétences, otherwise null. */
  capMinutes: number | null;
  warning: string | null;
  /** The learner's declared personal time, entry by entry. */
  personal?: PersonalTimeEntry[];
}

export interface PersonalTimeEntry {
  id: string;
  date: string;
  minutes: number;
  note: string | null;
}

export interface PersonalTimeInput {
  minutes: number;
  date: string;
  note?: string;
}

export interface AttendanceInput {
  method: AttendanceMethod;
  /** SVG path data of the drawn signature. */
  signature?: string;
  /** The device's time when the person signed (ISO). */
  deviceAt: string;
  halfDay?: HalfDay;
}

export interface AttendanceReceipt {
  seq: number;
  halfDay: HalfDay;
  deviceAt: string;
  receivedAt: string;
}

/** What the coach (or the learner, for cancelling) does to an appointment, each through a dialog. */
export type AppointmentAction = 'move' | 'cancel' | 'held' | 'duration';

export interface CalendarFeed {
  token: string;
  url: string;
}

/** Messages of the `/call/:appointmentId` signalling socket. */
export type CallServerMessage =
  | { type: 'ready'; self: PersonRef; peers: PersonRef[]; iceServers: RTCIceServer[] }
  | { type: 'peer-joined'; id: string; name: string }
  | { type: 'peer-left'; id: string }
  | { type: 'offer'; sdp: string }
  | { type: 'answer'; sdp: string }
  | { type: 'candidate'; candidate: RTCIceCandidateInit | null };

export type CallClientMessage =
  | { type: 'offer'; sdp: string }
  | { type: 'answer'; sdp: string }
  | { type: 'candidate'; candidate: RTCIceCandidateInit | null };
