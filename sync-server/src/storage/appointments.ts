import type { Interval } from '../scheduling/availability.ts';
import { int, intOrNull, text, textOrNull, type Row } from './rows.ts';
import type { Sql } from './sql.ts';

export const APPOINTMENT_MODES = ['video', 'onsite', 'phone'] as const;
export type AppointmentMode = (typeof APPOINTMENT_MODES)[number];
export type AppointmentStatus = 'booked' | 'held' | 'cancelled';
export type ChangeKind = 'booked' | 'moved' | 'cancelled' | 'held' | 'duration';

/** The group session an appointment belongs to (SCHED14): one per participant's accompaniment. */
export interface GroupRef {
  id: string;
  workshopId: string;
  workshopTitle: string;
  /** Where it takes place, or the link of an external video call; free text of the coach. */
  location: string | null;
}

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
  /** The label of the appointment type it was booked with (SCHED13), kept as it was then. */
  typeLabel: string | null;
  group: GroupRef | null;
}

/**
 * A group session of a workshop as the coach sees it, once (SCHED14): time, mode, place and status live
 * here; each participant's appointment carries the same time and its own status (a learner may withdraw).
 */
export interface AppointmentGroup {
  id: string;
  workshopId: string;
  workshopTitle: string;
  coach: { id: string; name: string };
  start: number;
  end: number;
  durationMinutes: number;
  mode: AppointmentMode;
  location: string | null;
  typeLabel: string | null;
  status: AppointmentStatus;
  cancelReason: string | null;
  createdBy: { id: string; name: string };
  createdAt: number;
  updatedAt: number;
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
         u.id AS creator_id, u.name AS creator_name,
         a.type_label, a.group_id, g.workshop_id AS group_workshop_id, g.location AS group_location,
         gw.title AS group_workshop_title
    FROM appointments a
    JOIN accompaniments acc ON acc.id = a.accompaniment_id
    JOIN users c ON c.id = a.coach_id
    LEFT JOIN users l ON l.id = acc.learner_id
    JOIN users u ON u.id = a.created_by
    LEFT JOIN appointment_groups g ON g.id = a.group_id
    LEFT JOIN workshops gw ON gw.id = g.workshop_id`;

const GROUP_SELECT = `
  SELECT g.id, g.workshop_id, w.title AS workshop_title, g.start_at, g.end_at, g.duration_minutes, g.mode,
         g.location, g.type_label, g.status, g.cancel_reason, g.created_at, g.updated_at, g.sequence,
         c.id AS coach_id, c.name AS coach_name, u.id AS creator_id, u.name AS creator_name
    FROM appointment_groups g
    JOIN workshops w ON w.id = g.workshop_id
    JOIN users c ON c.id = g.coach_id
    JOIN users u ON u.id = g.created_by`;

function toGroup(row: Row): AppointmentGroup {
  return {
    id: text(row, 'id'),
    workshopId: text(row, 'workshop_id'),
    workshopTitle: text(row, 'workshop_title'),
    coach: { id: text(row, 'coach_id'), name: text(row, 'coach_name') },
    start: int(row, 'start_at'),
    end: int(row, 'end_at'),
    durationMinutes: int(row, 'duration_minutes'),
    mode: text(row, 'mode') as AppointmentMode,
    location: textOrNull(row, 'location'),
    typeLabel: textOrNull(row, 'type_label'),
    status: text(row, 'status') as AppointmentStatus,
    cancelReason: textOrNull(row, 'cancel_reason'),
    createdBy: { id: text(row, 'creator_id'), name: text(row, 'creator_name') },
    createdAt: int(row, 'created_at'),
    updatedAt: int(row, 'updated_at'),
    sequence: int(row, 'sequence'),
  };
}

function toAppointment(row: Row): Appointment {
  const learnerId = textOrNull(row, 'learner_id');
  const groupId = textOrNull(row, 'group_id');
  const groupWorkshop = textOrNull(row, 'group_workshop_id');
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
    typeLabel: textOrNull(row, 'type_label'),
    group:
      groupId && groupWorkshop
        ? {
            id: groupId,
            workshopId: groupWorkshop,
            workshopTitle: text(row, 'group_workshop_title'),
            location: textOrNull(row, 'group_location'),
          }
        : null,
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
  typeLabel?: string | null;
}

export interface NewGroup {
  id: string;
  workshopId: string;
  coachId: string;
  start: number;
  durationMinutes: number;
  mode: AppointmentMode;
  location: string | null;
  typeLabel: string | null;
  createdBy: string;
}

/** One participant's appointment of a group session: their accompaniment and its phase under way. */
export interface NewGroupChild {
  id: string;
  accompanimentId: string;
  phase: string | null;
}

/** A participant's appointment and what to record when the group session is marked held. */
export interface HeldChild {
  appointment: Appointment;
  minutes: number;
  phase: string | null;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;

// A group session takes the coach's time once, through its group row, whatever its participants did with
// their own appointments (SCHED14).
const BUSY = `
  SELECT start_at, end_at FROM appointments
   WHERE coach_id = ?1 AND status IN ('booked', 'held') AND start_at < ?2 AND end_at > ?3 AND id <> ?4
     AND group_id IS NULL
  UNION ALL
  SELECT start_at, end_at FROM appointment_groups
   WHERE coach_id = ?1 AND status IN ('booked', 'held') AND start_at < ?2 AND end_at > ?3 AND id <> ?5
  ORDER BY start_at`;

const INSERT = `
  INSERT INTO appointments (id, accompaniment_id, coach_id, start_at, end_at, duration_minutes, mode, status,
                            phase, created_by, created_at, updated_at, sequence, type_label, group_id)
  VALUES (?, ?, ?, ?, ?, ?, ?, 'booked', ?, ?, ?, ?, 0, ?, ?)`;

const CHANGE = `
  INSERT INTO appointment_changes (appointment_id, kind, by_user_id, at, reason, from_start, to_start, minutes,
                                   previous_minutes)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`;

const MOVE = `
  UPDATE appointments SET start_at = ?, end_at = ?, sequence = sequence + 1, updated_at = ?
   WHERE id = ? AND status = 'booked'`;

const DUE = `${SELECT.replace('FROM appointments a', ', coalesce(av.time_zone, ?3) AS time_zone FROM appointments a')}
   LEFT JOIN availabilities av ON av.coach_id = a.coach_id
   WHERE a.status = 'booked' AND a.start_at > ?1
     AND coalesce(av.reminder_hours, ?2) > 0
     AND a.start_at - coalesce(av.reminder_hours, ?2) * ${HOUR} <= ?1
   ORDER BY a.start_at, a.id`;

/**
 * Appointments, their history, call presence and reminders (SCHED2–SCHED6, SCHED10, SCHED11). Booking and
 * moving check the coach's other appointments and write in one transaction (`BEGIN IMMEDIATE` on SQLite,
 * SERIALIZABLE and retried on PostgreSQL), so that two requests for one slot cannot both see it free (SCHED3).
 */
export class Appointments {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async find(id: string): Promise<Appointment | null> {
    const row = await this.#sql.get(`${SELECT} WHERE a.id = ?`, id);
    return row ? toAppointment(row) : null;
  }

  async listForAccompaniment(accompanimentId: string): Promise<Appointment[]> {
    const rows = await this.#sql.all(
      `${SELECT} WHERE a.accompaniment_id = ? ORDER BY a.start_at, a.id`,
      accompanimentId,
    );
    return rows.map(toAppointment);
  }

  /** The appointments a user leads or attends that start at or after `from`, earliest first. */
  async listForUser(userId: string, from: number): Promise<Appointment[]> {
    const rows = await this.#sql.all(
      `${SELECT} WHERE (a.coach_id = ?1 OR acc.learner_id = ?1) AND a.start_at >= ?2 ORDER BY a.start_at, a.id`,
      userId,
      from,
    );
    return rows.map(toAppointment);
  }

  /** What the calendar feed shows: the user's appointments ending at or after `from`. */
  async listForCalendar(userId: string, from: number): Promise<Appointment[]> {
    const rows = await this.#sql.all(
      `${SELECT} WHERE (a.coach_id = ?1 OR acc.learner_id = ?1) AND a.end_at >= ?2 ORDER BY a.start_at, a.id`,
      userId,
      from,
    );
    return rows.map(toAppointment);
  }

  /**
   * The coach's booked and held appointments intersecting [from, to) — the slots they take; a group session
   * counts once. `exceptId` and `exceptGroupId` leave out what is being moved.
   */
  async busy(
    coachId: string,
    from: number,
    to: number,
    exceptId = '',
    exceptGroupId = '',
  ): Promise<Interval[]> {
    const rows = await this.#sql.all(BUSY, coachId, to, from, exceptId, exceptGroupId);
    return rows.map((row) => ({ start: int(row, 'start_at'), end: int(row, 'end_at') }));
  }

  /** Books the slot unless another appointment of the coach overlaps it: then answers 'taken'. */
  async book(input: NewAppointment, now: number): Promise<Appointment | 'taken'> {
    const end = input.start + input.durationMinutes * MINUTE;
    return this.#sql.transaction(async () => {
      if ((await this.busy(input.coachId, input.start, end)).length > 0) return 'taken';
      await this.#sql.run(
        INSERT,
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
        input.typeLabel ?? null,
        null,
      );
      await this.#sql.run(
        CHANGE,
        input.id,
        'booked',
        input.createdBy,
        now,
        null,
        null,
        input.start,
        null,
        null,
      );
      return (await this.find(input.id))!;
    });
  }

  async findGroup(id: string): Promise<AppointmentGroup | null> {
    const row = await this.#sql.get(`${GROUP_SELECT} WHERE g.id = ?`, id);
    return row ? toGroup(row) : null;
  }

  /** A workshop's group sessions, earliest first. */
  async groupsForWorkshop(workshopId: string): Promise<AppointmentGroup[]> {
    const rows = await this.#sql.all(
      `${GROUP_SELECT} WHERE g.workshop_id = ? ORDER BY g.start_at, g.id`,
      workshopId,
    );
    return rows.map(toGroup);
  }

  /** The coach's group sessions ending at or after `from` (their calendar feed shows each once). */
  async groupsForCalendar(coachId: string, from: number): Promise<AppointmentGroup[]> {
    const rows = await this.#sql.all(
      `${GROUP_SELECT} WHERE g.coach_id = ? AND g.end_at >= ? ORDER BY g.start_at, g.id`,
      coachId,
      from,
    );
    return rows.map(toGroup);
  }

  /** The participants' appointments of a group session, by name. */
  async childrenOf(groupId: string): Promise<Appointment[]> {
    // NULLS FIRST: the order SQLite gives an accompaniment without learner, on PostgreSQL too.
    const rows = await this.#sql.all(
      `${SELECT} WHERE a.group_id = ? ORDER BY l.name NULLS FIRST, a.id`,
      groupId,
    );
    return rows.map(toAppointment);
  }

  async #insertChild(group: NewGroup, child: NewGroupChild, start: number, now: number): Promise<void> {
    await this.#sql.run(
      INSERT,
      child.id,
      child.accompanimentId,
      group.coachId,
      start,
      start + group.durationMinutes * MINUTE,
      group.durationMinutes,
      group.mode,
      child.phase,
      group.createdBy,
      now,
      now,
      group.typeLabel,
      group.id,
    );
    await this.#sql.run(CHANGE, child.id, 'booked', group.createdBy, now, null, null, start, null, null);
  }

  /**
   * Books a group session: the group row and one appointment per participant's accompaniment, in one
   * transaction, unless the coach's time is taken (the group counts once, SCHED14).
   */
  async bookGroup(
    group: NewGroup,
    children: readonly NewGroupChild[],
    now: number,
  ): Promise<AppointmentGroup | 'taken'> {
    const end = group.start + group.durationMinutes * MINUTE;
    return this.#sql.transaction(async () => {
      if ((await this.busy(group.coachId, group.start, end)).length > 0) return 'taken';
      await this.#sql.run(
        `INSERT INTO appointment_groups (id, workshop_id, coach_id, start_at, end_at, duration_minutes, mode,
                                         location, type_label, status, created_by, created_at, updated_at, sequence)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'booked', ?, ?, ?, 0)`,
        group.id,
        group.workshopId,
        group.coachId,
        group.start,
        end,
        group.durationMinutes,
        group.mode,
        group.location,
        group.typeLabel,
        group.createdBy,
        now,
        now,
      );
      for (const child of children) await this.#insertChild(group, child, group.start, now);
      return (await this.findGroup(group.id))!;
    });
  }

  /** Moves a booked group session and its participants' booked appointments, unless the new time is taken. */
  async moveGroup(
    group: AppointmentGroup,
    start: number,
    byUserId: string,
    reason: string,
    now: number,
  ): Promise<'moved' | 'taken' | 'not-booked'> {
    const end = start + group.durationMinutes * MINUTE;
    return this.#sql.transaction(async () => {
      if ((await this.busy(group.coach.id, start, end, '', group.id)).length > 0) return 'taken';
      const moved = await this.#sql.run(
        `UPDATE appointment_groups SET start_at = ?, end_at = ?, sequence = sequence + 1, updated_at = ?
          WHERE id = ? AND status = 'booked'`,
        start,
        end,
        now,
        group.id,
      );
      if (moved.changes !== 1) return 'not-booked';
      for (const child of await this.childrenOf(group.id)) {
        if ((await this.#sql.run(MOVE, start, end, now, child.id)).changes !== 1) continue;
        await this.#sql.run(CHANGE, child.id, 'moved', byUserId, now, reason, child.start, start, null, null);
      }
      return 'moved';
    });
  }

  /** Cancels a booked group session and every participant's appointment still booked; answers those. */
  async cancelGroup(
    group: AppointmentGroup,
    byUserId: string,
    reason: string,
    now: number,
  ): Promise<string[] | null> {
    return this.#sql.transaction(async () => {
      const changed = await this.#sql.run(
        `UPDATE appointment_groups SET status = 'cancelled', cancel_reason = ?, sequence = sequence + 1,
                updated_at = ?
          WHERE id = ? AND status = 'booked'`,
        reason,
        now,
        group.id,
      );
      if (changed.changes !== 1) return null;
      const cancelled: string[] = [];
      for (const child of await this.childrenOf(group.id))
        if (await this.cancel(child.id, byUserId, reason, now)) cancelled.push(child.id);
      return cancelled;
    });
  }

  /** Records a group session as held, with each participant's counted minutes, in one transaction. */
  async markGroupHeld(
    group: AppointmentGroup,
    children: readonly HeldChild[],
    input: { byUserId: string; reason: string | null; now: number },
  ): Promise<boolean> {
    return this.#sql.transaction(async () => {
      const changed = await this.#sql.run(
        `UPDATE appointment_groups SET status = 'held', updated_at = ? WHERE id = ? AND status = 'booked'`,
        input.now,
        group.id,
      );
      if (changed.changes !== 1) return false;
      for (const child of children)
        await this.markHeld(child.appointment, {
          minutes: child.minutes,
          phase: child.phase,
          byUserId: input.byUserId,
          reason: input.reason,
          now: input.now,
        });
      return true;
    });
  }

  /**
   * A participant added to a workshop joins its group sessions to come: one appointment each for their
   * accompaniment. Answers how many.
   */
  async joinUpcomingGroups(
    workshopId: string,
    child: { accompanimentId: string; phase: string | null; newId: () => string },
    byUserId: string,
    now: number,
  ): Promise<number> {
    return this.#sql.transaction(async () => {
      const rows = await this.#sql.all(
        `${GROUP_SELECT} WHERE g.workshop_id = ?1 AND g.status = 'booked' AND g.start_at > ?2
            AND NOT EXISTS (SELECT 1 FROM appointments a
                             WHERE a.group_id = g.id AND a.accompaniment_id = ?3 AND a.status <> 'cancelled')
          ORDER BY g.start_at, g.id`,
        workshopId,
        now,
        child.accompanimentId,
      );
      const groups = rows.map(toGroup);
      for (const g of groups)
        await this.#insertChild(
          {
            id: g.id,
            workshopId: g.workshopId,
            coachId: g.coach.id,
            start: g.start,
            durationMinutes: g.durationMinutes,
            mode: g.mode,
            location: g.location,
            typeLabel: g.typeLabel,
            createdBy: byUserId,
          },
          { id: child.newId(), accompanimentId: child.accompanimentId, phase: child.phase },
          g.start,
          now,
        );
      return groups.length;
    });
  }

  /** A participant removed from a workshop leaves its group sessions to come (cancelled with the reason). */
  async leaveUpcomingGroups(
    workshopId: string,
    learnerId: string,
    byUserId: string,
    reason: string,
    now: number,
  ): Promise<number> {
    return this.#sql.transaction(async () => {
      const rows = await this.#sql.all(
        `SELECT a.id FROM appointments a
           JOIN appointment_groups g ON g.id = a.group_id
           JOIN accompaniments acc ON acc.id = a.accompaniment_id
          WHERE g.workshop_id = ? AND acc.learner_id = ? AND a.status = 'booked' AND a.start_at > ?`,
        workshopId,
        learnerId,
        now,
      );
      const ids = rows.map((row) => text(row, 'id'));
      for (const id of ids) await this.cancel(id, byUserId, reason, now);
      return ids.length;
    });
  }

  /** Moves a booked appointment (same duration) unless the new slot is taken. */
  async move(
    appointment: Appointment,
    start: number,
    byUserId: string,
    reason: string,
    now: number,
  ): Promise<'moved' | 'taken' | 'not-booked'> {
    const end = start + appointment.durationMinutes * MINUTE;
    return this.#sql.transaction(async () => {
      if ((await this.busy(appointment.coach.id, start, end, appointment.id)).length > 0) return 'taken';
      if ((await this.#sql.run(MOVE, start, end, now, appointment.id)).changes !== 1) return 'not-booked';
      await this.#sql.run(
        CHANGE,
        appointment.id,
        'moved',
        byUserId,
        now,
        reason,
        appointment.start,
        start,
        null,
        null,
      );
      return 'moved';
    });
  }

  async cancel(id: string, byUserId: string, reason: string, now: number): Promise<boolean> {
    return this.#sql.transaction(async () => {
      const changed = await this.#sql.run(
        `UPDATE appointments SET status = 'cancelled', cancel_reason = ?, sequence = sequence + 1, updated_at = ?
          WHERE id = ? AND status = 'booked'`,
        reason,
        now,
        id,
      );
      if (changed.changes !== 1) return false;
      await this.#sql.run(CHANGE, id, 'cancelled', byUserId, now, reason, null, null, null, null);
      return true;
    });
  }

  /** Records that the session took place, with the minutes that count (and why, when not as planned). */
  async markHeld(
    appointment: Appointment,
    input: { minutes: number; phase: string | null; byUserId: string; reason: string | null; now: number },
  ): Promise<boolean> {
    return this.#sql.transaction(async () => {
      const changed = await this.#sql.run(
        `UPDATE appointments SET status = 'held', counted_minutes = ?, phase = ?, updated_at = ?
          WHERE id = ? AND status = 'booked'`,
        input.minutes,
        input.phase,
        input.now,
        appointment.id,
      );
      if (changed.changes !== 1) return false;
      await this.#sql.run(
        CHANGE,
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
  async adjustMinutes(
    appointment: Appointment,
    input: { minutes: number; byUserId: string; reason: string; now: number },
  ): Promise<boolean> {
    return this.#sql.transaction(async () => {
      const changed = await this.#sql.run(
        `UPDATE appointments SET counted_minutes = ?, updated_at = ? WHERE id = ? AND status = 'held'`,
        input.minutes,
        input.now,
        appointment.id,
      );
      if (changed.changes !== 1) return false;
      await this.#sql.run(
        CHANGE,
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

  async changes(id: string): Promise<AppointmentChange[]> {
    const rows = await this.#sql.all(
      `SELECT ch.kind, ch.at, ch.reason, ch.from_start, ch.to_start, ch.minutes, ch.previous_minutes,
              u.id AS user_id, u.name AS user_name
         FROM appointment_changes ch JOIN users u ON u.id = ch.by_user_id
        WHERE ch.appointment_id = ? ORDER BY ch.id`,
      id,
    );
    return rows.map((row) => ({
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
  async heldSessions(
    accompanimentId: string,
  ): Promise<{ id: string; countedMinutes: number; phase: string | null }[]> {
    const rows = await this.#sql.all(
      `SELECT id, counted_minutes, phase FROM appointments
        WHERE accompaniment_id = ? AND status = 'held' ORDER BY start_at, id`,
      accompanimentId,
    );
    return rows.map((row) => ({
      id: text(row, 'id'),
      countedMinutes: intOrNull(row, 'counted_minutes') ?? 0,
      phase: textOrNull(row, 'phase'),
    }));
  }

  async calls(appointmentId: string): Promise<CallPresence[]> {
    const rows = await this.#sql.all(
      `SELECT k.user_id, u.name, k.joined_at, k.left_at FROM call_log k JOIN users u ON u.id = k.user_id
        WHERE k.appointment_id = ? ORDER BY k.id`,
      appointmentId,
    );
    return rows.map((row) => ({
      userId: text(row, 'user_id'),
      name: text(row, 'name'),
      joinedAt: int(row, 'joined_at'),
      leftAt: intOrNull(row, 'left_at'),
    }));
  }

  /** Logs someone joining the call; answers the log row to close when they leave. */
  async callJoined(appointmentId: string, userId: string, at: number): Promise<number> {
    const row = await this.#sql.get(
      'INSERT INTO call_log (appointment_id, user_id, joined_at) VALUES (?, ?, ?) RETURNING id',
      appointmentId,
      userId,
      at,
    );
    return int(row!, 'id');
  }

  async callLeft(logId: number, at: number): Promise<void> {
    await this.#sql.run('UPDATE call_log SET left_at = ? WHERE id = ? AND left_at IS NULL', at, logId);
  }

  /** At startup: presences left open by a stopped server end now (nobody can still be connected). */
  async closeOpenCalls(at: number, joinedBefore = Number.MAX_SAFE_INTEGER): Promise<number> {
    return (
      await this.#sql.run(
        'UPDATE call_log SET left_at = ? WHERE left_at IS NULL AND joined_at < ?',
        at,
        joinedBefore,
      )
    ).changes;
  }

  /** Booked appointments whose reminder is due at `now` and not yet sent to one of their people. */
  async dueReminders(
    now: number,
    defaults: { reminderHours: number; timeZone: string },
  ): Promise<DueReminder[]> {
    const out: DueReminder[] = [];
    // The coach of a group session is reminded once for the group, not once per participant.
    const coachOfGroup = new Set<string>();
    for (const row of await this.#sql.all(DUE, now, defaults.reminderHours, defaults.timeZone)) {
      const appointment = toAppointment(row);
      const reminded = await this.#sql.all(
        'SELECT user_id FROM appointment_reminders WHERE appointment_id = ? AND start_at = ?',
        appointment.id,
        appointment.start,
      );
      const done = new Set(reminded.map((r) => text(r, 'user_id')));
      const group = appointment.group?.id;
      if (group) {
        const key = `${group}@${appointment.start}`;
        if (
          coachOfGroup.has(key) ||
          (await this.#groupReminded(group, appointment.coach.id, appointment.start))
        )
          done.add(appointment.coach.id);
        coachOfGroup.add(key);
      }
      const people = [
        ...(appointment.learner ? [{ ...appointment.learner, role: 'learner' as const }] : []),
        { ...appointment.coach, email: text(row, 'coach_email'), role: 'coach' as const },
      ];
      const recipients = people.filter((p) => !done.has(p.id));
      if (recipients.length > 0) out.push({ appointment, timeZone: text(row, 'time_zone'), recipients });
    }
    return out;
  }

  /** True when that person was already reminded of the group session at this start, through any participant. */
  async #groupReminded(groupId: string, userId: string, startAt: number): Promise<boolean> {
    const row = await this.#sql.get(
      `SELECT 1 AS one FROM appointment_reminders r JOIN appointments s ON s.id = r.appointment_id
        WHERE s.group_id = ? AND r.user_id = ? AND r.start_at = ? LIMIT 1`,
      groupId,
      userId,
      startAt,
    );
    return row !== undefined;
  }

  async reminderSent(appointmentId: string, userId: string, startAt: number, at: number): Promise<void> {
    await this.#sql.run(
      `INSERT INTO appointment_reminders (appointment_id, user_id, start_at, sent_at) VALUES (?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
      appointmentId,
      userId,
      startAt,
      at,
    );
  }
}
