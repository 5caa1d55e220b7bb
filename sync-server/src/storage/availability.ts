import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { DEFAULT_APPOINTMENT_TYPES, type AppointmentType } from '../scheduling/appointment-types.ts';
import type { Availability, AvailabilityException, WeeklyRange } from '../scheduling/availability.ts';
import { DEFAULT_TIME_ZONE } from '../scheduling/zoned.ts';
import { int, text } from './rows.ts';

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
  readonly #get: StatementSync;
  readonly #put: StatementSync;
  readonly #types: StatementSync;
  readonly #putTypes: StatementSync;

  constructor(db: DatabaseSync) {
    this.#get = db.prepare(
      'SELECT time_zone, weekly, exceptions, reminder_hours FROM availabilities WHERE coach_id = ?',
    );
    this.#put = db.prepare(
      `INSERT INTO availabilities (coach_id, time_zone, weekly, exceptions, reminder_hours, updated_at)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (coach_id) DO UPDATE SET time_zone = excluded.time_zone, weekly = excluded.weekly,
         exceptions = excluded.exceptions, reminder_hours = excluded.reminder_hours,
         updated_at = excluded.updated_at`,
    );
    this.#types = db.prepare('SELECT types FROM appointment_types WHERE coach_id = ?');
    this.#putTypes = db.prepare(
      `INSERT INTO appointment_types (coach_id, types, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (coach_id) DO UPDATE SET types = excluded.types, updated_at = excluded.updated_at`,
    );
  }

  /** The coach's availability, or the defaults (Paris, nothing open, reminders 24 h before). */
  get(coachId: string): CoachAvailability {
    const row = this.#get.get(coachId);
    if (!row) return { ...DEFAULT_AVAILABILITY, weekly: [], exceptions: [] };
    return {
      timeZone: text(row, 'time_zone'),
      weekly: JSON.parse(text(row, 'weekly')) as WeeklyRange[],
      exceptions: JSON.parse(text(row, 'exceptions')) as AvailabilityException[],
      reminderHours: int(row, 'reminder_hours'),
    };
  }

  put(coachId: string, value: CoachAvailability, now: number): void {
    this.#put.run(
      coachId,
      value.timeZone,
      JSON.stringify(value.weekly),
      JSON.stringify(value.exceptions),
      value.reminderHours,
      now,
    );
  }

  /** The coach's appointment types, or the default one (an individual hour by video). */
  types(coachId: string): AppointmentType[] {
    const row = this.#types.get(coachId);
    if (!row) return DEFAULT_APPOINTMENT_TYPES.map((t) => ({ ...t }));
    return JSON.parse(text(row, 'types')) as AppointmentType[];
  }

  putTypes(coachId: string, types: readonly AppointmentType[], now: number): void {
    this.#putTypes.run(coachId, JSON.stringify(types), now);
  }
}
