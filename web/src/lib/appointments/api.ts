// The scheduling endpoints, through the app's API client: failures are thrown as ApiError/NetworkError whose
// message (the server's, in French, or the client's own) can be shown as is.
import type { AccompanimentId } from '@compagnon/model';
import { request } from '../api/client.ts';
import type {
  AgendaAppointment,
  Appointment,
  AppointmentMode,
  AttendanceInput,
  AttendanceReceipt,
  Availability,
  CalendarFeed,
  Hours,
  NewAppointment,
  PersonalTimeInput,
  Slots,
} from './types.ts';

const segment = encodeURIComponent;
const acc = (id: AccompanimentId): string => `/api/accompaniments/${segment(id)}`;
const appt = (id: string): string => `/api/appointments/${segment(id)}`;

export const appointmentsApi = {
  availability: () => request<Availability>('GET', '/api/availability'),
  saveAvailability: (availability: Availability) =>
    request<Availability>('PUT', '/api/availability', availability),
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
  calendar: () => request<CalendarFeed>('GET', '/api/calendar'),
  resetCalendar: () => request<CalendarFeed>('POST', '/api/calendar/reset'),
  /** Where the attendance sheet (PDF) of an accompaniment is downloaded from. */
  attendancePdfUrl: (id: AccompanimentId) => `${acc(id)}/attendance.pdf`,
  /** The signalling socket of a video appointment. */
  callUrl: (id: string, loc: Pick<Location, 'protocol' | 'host'> = location) =>
    `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/call/${segment(id)}`,
};

export const MODES: readonly AppointmentMode[] = ['video', 'onsite', 'phone'];
