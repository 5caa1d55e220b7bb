import { DEFAULT_APPOINTMENT_TYPES, type AppointmentType } from '../scheduling/appointment-types.ts';
import type { Availability, AvailabilityException, WeeklyRange } from '../scheduling/availability.ts';
import { DEFAULT_TIME_ZONE } from '../scheduling/zoned.ts';
import { int, text } from './rows.ts';
import type { Sql } from './sql.ts';

export const DEFAULT_REMINDER_HOURS = 24;

export interface CoachAvailability extends Availability {
  /** Hours before an appointment its reminder e-mail goes out; 0: none (SCHED11). */
  reminderHours: number;
}

export const DEFAULT_AVAILABILITY: CoachAvailability = {
  timeZone: DEFAULT_TIME_ZONE,
  weekly: [],
  exceptions: [],
  reminderHours: DEFAULT_REMINDER_HOURS,
};

/**
 * Each coach's opening hours (SCHED1) and appointment types (SCHED13): one row each, replaced as a whole;
 * values were checked before.
 */
export class Availabilities {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  /** The coach's availability, or the defaults (Paris, nothing open, reminders 24 h before). */
  async get(coachId: string): Promise<CoachAvailability> {
    const row = await this.#sql.get(
      'SELECT time_zone, weekly, exceptions, reminder_hours FROM availabilities WHERE coach_id = ?',
      coachId,
    );
    if (!row) return { ...DEFAULT_AVAILABILITY, weekly: [], exceptions: [] };
    return {
      timeZone: text(row, 'time_zone'),
      weekly: JSON.parse(text(row, 'weekly')) as WeeklyRange[],
      exceptions: JSON.parse(text(row, 'exceptions')) as AvailabilityException[],
      reminderHours: int(row, 'reminder_hours'),
    };
  }

  async put(coachId: string, value: CoachAvailability, now: number): Promise<void> {
    await this.#sql.run(
      `INSERT INTO availabilities (coach_id, time_zone, weekly, exceptions, reminder_hours, updated_at)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (coach_id) DO UPDATE SET time_zone = excluded.time_zone, weekly = excluded.weekly,
         exceptions = excluded.exceptions, reminder_hours = excluded.reminder_hours,
         updated_at = excluded.updated_at`,
      coachId,
      value.timeZone,
      JSON.stringify(value.weekly),
      JSON.stringify(value.exceptions),
      value.reminderHours,
      now,
    );
  }

  /** The coach's appointment types, or the default one (an individual hour by video). */
  async types(coachId: string): Promise<AppointmentType[]> {
    const row = await this.#sql.get('SELECT types FROM appointment_types WHERE coach_id = ?', coachId);
    if (!row) return DEFAULT_APPOINTMENT_TYPES.map((t) => ({ ...t }));
    return JSON.parse(text(row, 'types')) as AppointmentType[];
  }

  async putTypes(coachId: string, types: readonly AppointmentType[], now: number): Promise<void> {
    await this.#sql.run(
      `INSERT INTO appointment_types (coach_id, types, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (coach_id) DO UPDATE SET types = excluded.types, updated_at = excluded.updated_at`,
      coachId,
      JSON.stringify(types),
      now,
    );
  }
}
