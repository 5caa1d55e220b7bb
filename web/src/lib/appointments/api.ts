// The scheduling endpoints, through the app's API client: failures are thrown as ApiError/NetworkError whose
// message (the server's, in French, or the client's own) can be shown as is.
import type { AccompanimentId } from '@compagnon/model';
import { request } from '../api/client.ts';
import type {
  AgendaAppointment,
  Appointment,
  AppointmentMode,
  AppointmentType,
  AppointmentTypeDraft,
  AttendanceInput,
  AttendanceReceipt,
  Availability,
  CalendarFeed,
  GroupSession,
  Hours,
  NewAppointment,
  NewGroupSession,
  PersonalTimeInput,
  Slots,
} from './types.ts';

const segment = encodeURIComponent;
const acc = (id: AccompanimentId): string => `/api/accompaniments/${segment(id)}`;
const appt = (id: string): string => `/api/appointments/${segment(id)}`;
const sessions = (workshopId: string): string => `/api/workshops/${segment(workshopId)}/sessions`;
const session = (workshopId: string, groupId: string): string =>
  `${sessions(workshopId)}/${segment(groupId)}`;

export const appointmentsApi = {
  availability: () => request<Availability>('GET', '/api/availability'),
  saveAvailability: (availability: Availability) =>
    request<Availability>('PUT', '/api/availability', availability),
  types: () => request<{ types: AppointmentType[] }>('GET', '/api/appointment-types'),
  saveTypes: (types: AppointmentTypeDraft[]) =>
    request<{ types: AppointmentType[] }>('PUT', '/api/appointment-types', { types }),
  /** The individual types the accompaniment's coach offers (the learner's booking form). */
  offeredTypes: (id: AccompanimentId) =>
    request<{ types: AppointmentType[] }>('GET', `${acc(id)}/appointment-types`),
  slots: (id: AccompanimentId, from: string, to: string, durationMinutes: number) =>
    request<Slots>(
      'GET',
      `${acc(id)}/slots?${new URLSearchParams({ from, to, durationMinutes: String(durationMinutes) })}`,
    ),
  list: (id: AccompanimentId) => request<{ appointments: Appointment[] }>('GET', `${acc(id)}/appointments`),
  agenda: () => request<{ appointments: AgendaAppointment[] }>('GET', '/api/appointments'),
  book: (input: NewAppointment) => request<Appointment>('POST', '/api/appointments', input),
  move: (id: string, start: string, reason: string) =>
    request<Appointment>('POST', `${appt(id)}/move`, { start, reason }),
  cancel: (id: string, reason: string) => request<Appointment>('POST', `${appt(id)}/cancel`, { reason }),
  held: (id: string, input: { minutes?: number; reason?: string }) =>
    request<Appointment>('POST', `${appt(id)}/held`, input),
  adjustDuration: (id: string, minutes: number, reason: string) =>
    request<Appointment>('POST', `${appt(id)}/duration`, { minutes, reason }),
  sign: (id: string, input: AttendanceInput) =>
    request<AttendanceReceipt>('POST', `${appt(id)}/attendance`, input),
  hours: (id: AccompanimentId) => request<Hours>('GET', `${acc(id)}/hours`),
  declarePersonalTime: (id: AccompanimentId, input: PersonalTimeInput) =>
    request<unknown>('POST', `${acc(id)}/personal-time`, input),
  groupSessions: (workshopId: string) => request<{ sessions: GroupSession[] }>('GET', sessions(workshopId)),
  planGroupSession: (workshopId: string, input: NewGroupSession) =>
    request<GroupSession>('POST', sessions(workshopId), input),
  moveGroupSession: (workshopId: string, groupId: string, start: string, reason: string) =>
    request<GroupSession>('POST', `${session(workshopId, groupId)}/move`, { start, reason }),
  cancelGroupSession: (workshopId: string, groupId: string, reason: string) =>
    request<GroupSession>('POST', `${session(workshopId, groupId)}/cancel`, { reason }),
  groupSessionHeld: (workshopId: string, groupId: string, input: { minutes?: number; reason?: string }) =>
    request<GroupSession>('POST', `${session(workshopId, groupId)}/held`, input),
  /** The coach's one signature for the whole group. */
  signGroupSession: (workshopId: string, groupId: string, input: AttendanceInput) =>
    request<{ signed: number; halfDay: string; receivedAt: string }>(
      'POST',
      `${session(workshopId, groupId)}/attendance`,
      input,
    ),
  calendar: () => request<CalendarFeed>('GET', '/api/calendar'),
  resetCalendar: () => request<CalendarFeed>('POST', '/api/calendar/reset'),
  /** Where the attendance sheet (PDF) of an accompaniment is downloaded from. */
  attendancePdfUrl: (id: AccompanimentId) => `${acc(id)}/attendance.pdf`,
  /** The signalling socket of a video appointment. */
  callUrl: (id: string, loc: Pick<Location, 'protocol' | 'host'> = location) =>
    `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/call/${segment(id)}`,
};

export const MODES: readonly AppointmentMode[] = ['video', 'onsite', 'phone'];
