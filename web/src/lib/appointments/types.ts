// Shapes of the scheduling API (contract shared with sync-server/): times are ISO-8601 UTC strings,
// durations are minutes.
import type { AccompanimentId } from '@compagnon/model';
import type { PersonRef, Role } from '../api/types.ts';

export type AppointmentMode = 'video' | 'onsite' | 'phone';
export type AppointmentStatus = 'booked' | 'held' | 'cancelled';
export type HalfDay = 'am' | 'pm';
export type AttendanceMethod = 'drawn' | 'confirmed';

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
  calls: CallLog[];
  attendance: AttendanceRecord[];
}

/** An appointment of the caller's agenda, across accompaniments. */
export interface AgendaAppointment extends Appointment {
  accompanimentTitle: string;
  learnerName: string | null;
}

export interface NewAppointment {
  accompanimentId: AccompanimentId;
  start: string;
  durationMinutes: number;
  mode: AppointmentMode;
}

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
