import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { Interval } from '../scheduling/availability.ts';
import { transaction } from './db.ts';
import { int, intOrNull, text, textOrNull, type Row } from './rows.ts';

export const APPOINTMENT_MODES = ['video', 'onsite', 'phone'] as const;
export type AppointmentMode = (typeof APPOINTMENT_MODES)[number];
export type AppointmentStatus = 'booked' | 'held' | 'cancelled';
export type ChangeKind = 'booked' | 'moved' | 'cancelled' | 'held' | 'duration';

export interface Appointment {
  id: string;
  accompanimentId: string;
  accompanimentTitle: string;
  coach: { id: string; name: string };
  learner: { id: string; name: string; email: string } | null;
  start: number;
  end: number;
  durationMinutes: number;
  mode: AppointmentMode;
  status: AppointmentStatus;
  cancelReason: string | null;
  countedMinutes: number | null;
  phase: string | null;
  createdBy: { id: string; name: string };
  createdAt: number;
  updatedAt: number;
  /** Bumped by every move and cancellation (the calendar feed's SEQUENCE). */
  sequence: number;
}

/** One line of an appointment's history, kept with its reason (SCHED4, SCHED5). */
export interface AppointmentChange {
  kind: ChangeKind;
  at: number;
  by: { id: string; name: string };
  reason: string | null;
  fromStart: number | null;
  toStart: number | null;
  minutes: number | null;
  previousMinutes: number | null;
}

export interface CallPresence {
  userId: string;
  name: string;
  joinedAt: number;
  leftAt: number | null;
}

/** A reminder to send: one appointment and who of its two people has not been reminded of this start yet. */
export interface DueReminder {
  appointment: Appointment;
  timeZone: string;
  recipients: { id: string; name: string; email: string; role: 'coach' | 'learner' }[];
}

const SELECT = `
  SELECT a.id, a.accompaniment_id, a.start_at, a.end_at, a.duration_minutes, a.mode, a.status, a.cancel_reason,
         a.counted_minutes, a.phase, a.created_at, a.updated_at, a.sequence,
         acc.title AS acc_title,
         c.id AS coach_id, c.name AS coach_name, c.email AS coach_email,
         l.id AS learner_id, l.name AS learner_name, l.email AS learner_email,
         u.id AS creator_id, u.name AS creator_name
    FROM appointments a
    JOIN accompaniments acc ON acc.id = a.accompaniment_id
    JOIN users c ON c.id = a.coach_id
    LEFT JOIN users l ON l.id = acc.learner_id
    JOIN users u ON u.id = a.created_by`;

function toAppointment(row: Row): Appointment {
  const learnerId = textOrNull(row, 'learner_id');
  return {
    id: text(row, 'id'),
    accompanimentId: text(row, 'accompaniment_id'),
    accompanimentTitle: text(row, 'acc_title'),
    coach: { id: text(row, 'coach_id'), name: text(row, 'coach_name') },
    learner: learnerId
      ? { id: learnerId, name: text(row, 'learner_name'), email: text(row, 'learner_email') }
      : null,
    start: int(row, 'start_at'),
    end: int(row, 'end_at'),
    durationMinutes: int(row, 'duration_minutes'),
    mode: text(row, 'mode') as AppointmentMode,
    status: text(row, 'status') as AppointmentStatus,
    cancelReason: textOrNull(row, 'cancel_reason'),
    countedMinutes: intOrNull(row, 'counted_minutes'),
    phase: textOrNull(row, 'phase'),
    createdBy: { id: text(row, 'creator_id'), name: text(row, 'creator_name') },
    createdAt: int(row, 'created_at'),
    updatedAt: int(row, 'updated_at'),
    sequence: int(row, 'sequence'),
  };
}

export interface NewAppointment {
  id: string;
  accompanimentId: string;
  coachId: string;
  start: number;
  durationMinutes: number;
  mode: AppointmentMode;
  phase: string | null;
  createdBy: string;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;

/**
 * Appointments, their history, call presence and reminders (SCHED2–SCHED6, SCHED10, SCHED11). Booking and
 * moving check the coach's other appointments and write in one `BEGIN IMMEDIATE` transaction, so that two
 * requests for one slot cannot both see it free (SCHED3).
 */
export class Appointments {
  readonly #db: DatabaseSync;
  readonly #byId: StatementSync;
  readonly #forAccompaniment: StatementSync;
  readonly #forUser: StatementSync;
  readonly #busy: StatementSync;
  readonly #insert: StatementSync;
  readonly #change: StatementSync;
  readonly #changes: StatementSync;
  readonly #move: StatementSync;
  readonly #cancel: StatementSync;
  readonly #held: StatementSync;
  readonly #minutes: StatementSync;
  readonly #heldFor: StatementSync;
  readonly #calls: StatementSync;
  readonly #joined: StatementSync;
  readonly #left: StatementSync;
  readonly #closeCalls: StatementSync;
  readonly #due: StatementSync;
  readonly #reminded: StatementSync;
  readonly #reminderSent: StatementSync;
  readonly #calendar: StatementSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#byId = db.prepare(`${SELECT} WHERE a.id = ?`);
    this.#forAccompaniment = db.prepare(`${SELECT} WHERE a.accompaniment_id = ? ORDER BY a.start_at, a.id`);
    this.#forUser = db.prepare(
      `${SELECT} WHERE (a.coach_id = ?1 OR acc.learner_id = ?1) AND a.start_at >= ?2 ORDER BY a.start_at, a.id`,
    );
    this.#busy = db.prepare(
      `SELECT start_at, end_at FROM appointments
        WHERE coach_id = ? AND status IN ('booked', 'held') AND start_at < ? AND end_at > ? AND id <> ?
        ORDER BY start_at`,
    );
    this.#insert = db.prepare(
      `INSERT INTO appointments (id, accompaniment_id, coach_id, start_at, end_at, duration_minutes, mode, status,
                                 phase, created_by, created_at, updated_at, sequence)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'booked', ?, ?, ?, ?, 0)`,
    );
    this.#change = db.prepare(
      `INSERT INTO appointment_changes (appointment_id, kind, by_user_id, at, reason, from_start, to_start, minutes,
                                        previous_minutes)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#changes = db.prepare(
      `SELECT ch.kind, ch.at, ch.reason, ch.from_start, ch.to_start, ch.minutes, ch.previous_minutes,
              u.id AS user_id, u.name AS user_name
         FROM appointment_changes ch JOIN users u ON u.id = ch.by_user_id
        WHERE ch.appointment_id = ? ORDER BY ch.id`,
    );
    this.#move = db.prepare(
      `UPDATE appointments SET start_at = ?, end_at = ?, sequence = sequence + 1, updated_at = ?
        WHERE id = ? AND status = 'booked'`,
    );
    this.#cancel = db.prepare(
      `UPDATE appointments SET status = 'cancelled', cancel_reason = ?, sequence = sequence + 1, updated_at = ?
        WHERE id = ? AND status = 'booked'`,
    );
    this.#held = db.prepare(
      `UPDATE appointments SET status = 'held', counted_minutes = ?, phase = ?, updated_at = ?
        WHERE id = ? AND status = 'booked'`,
    );
    this.#minutes = db.prepare(
      `UPDATE appointments SET counted_minutes = ?, updated_at = ? WHERE id = ? AND status = 'held'`,
    );
    this.#heldFor = db.prepare(
      `SELECT id, counted_minutes, phase FROM appointments
        WHERE accompaniment_id = ? AND status = 'held' ORDER BY start_at, id`,
    );
    this.#calls = db.prepare(
      `SELECT k.user_id, u.name, k.joined_at, k.left_at FROM call_log k JOIN users u ON u.id = k.user_id
        WHERE k.appointment_id = ? ORDER BY k.id`,
    );
    this.#joined = db.prepare('INSERT INTO call_log (appointment_id, user_id, joined_at) VALUES (?, ?, ?)');
    this.#left = db.prepare('UPDATE call_log SET left_at = ? WHERE id = ? AND left_at IS NULL');
    this.#closeCalls = db.prepare('UPDATE call_log SET left_at = ? WHERE left_at IS NULL');
    this.#due = db.prepare(
      `${SELECT.replace('FROM appointments a', ', coalesce(av.time_zone, ?3) AS time_zone FROM appointments a')}
        LEFT JOIN availabilities av ON av.coach_id = a.coach_id
        WHERE a.status = 'booked' AND a.start_at > ?1
          AND coalesce(av.reminder_hours, ?2) > 0
          AND a.start_at - coalesce(av.reminder_hours, ?2) * ${HOUR} <= ?1
        ORDER BY a.start_at, a.id`,
    );
    this.#reminded = db.prepare(
      'SELECT user_id FROM appointment_reminders WHERE appointment_id = ? AND start_at = ?',
    );
    this.#reminderSent = db.prepare(
      `INSERT OR IGNORE INTO appointment_reminders (appointment_id, user_id, start_at, sent_at) VALUES (?, ?, ?, ?)`,
    );
    this.#calendar = db.prepare(
      `${SELECT} WHERE (a.coach_id = ?1 OR acc.learner_id = ?1) AND a.end_at >= ?2 ORDER BY a.start_at, a.id`,
    );
  }

  find(id: string): Appointment | null {
    const row = this.#byId.get(id);
    return row ? toAppointment(row) : null;
  }

  listForAccompaniment(accompanimentId: string): Appointment[] {
    return this.#forAccompaniment.all(accompanimentId).map(toAppointment);
  }

  /** The appointments a user leads or attends that start at or after `from`, earliest first. */
  listForUser(userId: string, from: number): Appointment[] {
    return this.#forUser.all(userId, from).map(toAppointment);
  }

  /** What the calendar feed shows: the user's appointments ending at or after `from`. */
  listForCalendar(userId: string, from: number): Appointment[] {
    return this.#calendar.all(userId, from).map(toAppointment);
  }

  /** The coach's booked and held appointments intersecting [from, to) — the slots they take. */
  busy(coachId: string, from: number, to: number, exceptId = ''): Interval[] {
    return this.#busy
      .all(coachId, to, from, exceptId)
      .map((row) => ({ start: int(row, 'start_at'), end: int(row, 'end_at') }));
  }

  /** Books the slot unless another appointment of the coach overlaps it: then answers 'taken'. */
  book(input: NewAppointment, now: number): Appointment | 'taken' {
    const end = input.start + input.durationMinutes * MINUTE;
    return transaction(this.#db, () => {
      if (this.busy(input.coachId, input.start, end).length > 0) return 'taken';
      this.#insert.run(
        input.id,
        input.accompanimentId,
        input.coachId,
        input.start,
        end,
        input.durationMinutes,
        input.mode,
        input.phase,
        input.createdBy,
        now,
        now,
      );
      this.#change.run(input.id, 'booked', input.createdBy, now, null, null, input.start, null, null);
      return this.find(input.id)!;
    });
  }

  /** Moves a booked appointment (same duration) unless the new slot is taken. */
  move(
    appointment: Appointment,
    start: number,
    byUserId: string,
    reason: string,
    now: number,
  ): 'moved' | 'taken' | 'not-booked' {
    const end = start + appointment.durationMinutes * MINUTE;
    return transaction(this.#db, () => {
      if (this.busy(appointment.coach.id, start, end, appointment.id).length > 0) return 'taken';
      if (Number(this.#move.run(start, end, now, appointment.id).changes) !== 1) return 'not-booked';
      this.#change.run(appointment.id, 'moved', byUserId, now, reason, appointment.start, start, null, null);
      return 'moved';
    });
  }

  cancel(id: string, byUserId: string, reason: string, now: number): boolean {
    return transaction(this.#db, () => {
      if (Number(this.#cancel.run(reason, now, id).changes) !== 1) return false;
      this.#change.run(id, 'cancelled', byUserId, now, reason, null, null, null, null);
      return true;
    });
  }

  /** Records that the session took place, with the minutes that count (and why, when not as planned). */
  markHeld(
    appointment: Appointment,
    input: { minutes: number; phase: string | null; byUserId: string; reason: string | null; now: number },
  ): boolean {
    return transaction(this.#db, () => {
      const changed = this.#held.run(input.minutes, input.phase, input.now, appointment.id).changes;
      if (Number(changed) !== 1) return false;
      this.#change.run(
        appointment.id,
        'held',
        input.byUserId,
        input.now,
        input.reason,
        null,
        null,
        input.minutes,
        appointment.durationMinutes,
      );
      return true;
    });
  }

  /** Changes a held session's counted minutes, kept in the history with the reason. */
  adjustMinutes(
    appointment: Appointment,
    input: { minutes: number; byUserId: string; reason: string; now: number },
  ): boolean {
    return transaction(this.#db, () => {
      if (Number(this.#minutes.run(input.minutes, input.now, appointment.id).changes) !== 1) return false;
      this.#change.run(
        appointment.id,
        'duration',
        input.byUserId,
        input.now,
        input.reason,
        null,
        null,
        input.minutes,
        appointment.countedMinutes,
      );
      return true;
    });
  }

  changes(id: string): AppointmentChange[] {
    return this.#changes.all(id).map((row) => ({
      kind: text(row, 'kind') as ChangeKind,
      at: int(row, 'at'),
      by: { id: text(row, 'user_id'), name: text(row, 'user_name') },
      reason: textOrNull(row, 'reason'),
      fromStart: intOrNull(row, 'from_start'),
      toStart: intOrNull(row, 'to_start'),
      minutes: intOrNull(row, 'minutes'),
      previousMinutes: intOrNull(row, 'previous_minutes'),
    }));
  }

  /** The held sessions of an accompaniment (the provider time, SCHED7). */
  heldSessions(accompanimentId: string): { id: string; countedMinutes: number; phase: string | null }[] {
    return this.#heldFor.all(accompanimentId).map((row) => ({
      id: text(row, 'id'),
      countedMinutes: intOrNull(row, 'counted_minutes') ?? 0,
      phase: textOrNull(row, 'phase'),
    }));
  }

  calls(appointmentId: string): CallPresence[] {
    return this.#calls.all(appointmentId).map((row) => ({
      userId: text(row, 'user_id'),
      name: text(row, 'name'),
      joinedAt: int(row, 'joined_at'),
      leftAt: intOrNull(row, 'left_at'),
    }));
  }

  /** Logs someone joining the call; answers the log row to close when they leave. */
  callJoined(appointmentId: string, userId: string, at: number): number {
    return Number(this.#joined.run(appointmentId, userId, at).lastInsertRowid);
  }

  callLeft(logId: number, at: number): void {
    this.#left.run(at, logId);
  }

  /** At startup: presences left open by a stopped server end now (nobody can still be connected). */
  closeOpenCalls(at: number): number {
    return Number(this.#closeCalls.run(at).changes);
  }

  /** Booked appointments whose reminder is due at `now` and not yet sent to one of their people. */
  dueReminders(now: number, defaults: { reminderHours: number; timeZone: string }): DueReminder[] {
    const out: DueReminder[] = [];
    for (const row of this.#due.all(now, defaults.reminderHours, defaults.timeZone)) {
      const appointment = toAppointment(row);
      const done = new Set(
        this.#reminded.all(appointment.id, appointment.start).map((r) => text(r, 'user_id')),
      );
      const people = [
        ...(appointment.learner ? [{ ...appointment.learner, role: 'learner' as const }] : []),
        { ...appointment.coach, email: text(row, 'coach_email'), role: 'coach' as const },
      ];
      const recipients = people.filter((p) => !done.has(p.id));
      if (recipients.length > 0) out.push({ appointment, timeZone: text(row, 'time_zone'), recipients });
    }
    return out;
  }

  reminderSent(appointmentId: string, userId: string, startAt: number, at: number): void {
    this.#reminderSent.run(appointmentId, userId, startAt, at);
  }
}
