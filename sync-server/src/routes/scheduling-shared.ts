// What the scheduling routes share (SCHED): path parameters, the Appointment JSON and its schema, the rules
// a start time and a duration must follow, and who may see an appointment.
import { z } from '@hono/zod-openapi';
import { roleIn } from '../auth/access.ts';
import { withinAvailability } from '../scheduling/availability.ts';
import type { Accompaniment } from '../storage/accompaniments.ts';
import { APPOINTMENT_MODES, type Appointment } from '../storage/appointments.ts';
import type { CoachAvailability } from '../storage/availability.ts';
import type { Storage } from '../storage/storage.ts';
import type { User } from '../storage/users.ts';

export const MINUTE = 60_000;
export const DAY = 86_400_000;
export const DURATION_MIN = 15;
export const DURATION_MAX = 480;
export const COUNTED_MAX = 720;
export const REASON_MAX = 1000;
/** Appointments are booked at most this far ahead. */
export const BOOKING_HORIZON_DAYS = 366;

export const UNAUTHENTICATED = { error: 'Non connecté·e.' };
export const ACC_NOT_FOUND = { error: 'Accompagnement introuvable.' };
export const APPOINTMENT_NOT_FOUND = { error: 'Rendez-vous introuvable.' };
export const COACH_ONLY = { error: 'Réservé à la personne qui accompagne.' };

export const pathId = (name = 'id') =>
  z
    .string()
    .max(100)
    .openapi({ param: { name, in: 'path' }, example: '0b9f8c3e-5d0e-4a53-9d1b-6f0d2a1c7e42' });
export const IdParam = z.object({ id: pathId() });

export const isoInstant = (what: string) =>
  z
    .string({ error: `${what} attendue (date et heure ISO 8601)` })
    .max(40)
    .refine((s) => !Number.isNaN(Date.parse(s)) && /^\d{4}-\d{2}-\d{2}T/.test(s), {
      error: `${what} : date et heure ISO 8601 attendues (par exemple 2026-12-03T09:00:00Z)`,
    })
    .openapi({ example: '2026-12-03T09:00:00.000Z' });

export const reason = (what = 'motif') =>
  z
    .string({ error: `${what} attendu` })
    .trim()
    .min(1, { error: `${what} obligatoire` })
    .max(REASON_MAX, { error: `au plus ${REASON_MAX} caractères` });

export const ModeSchema = z.enum(APPOINTMENT_MODES, {
  error: 'modalité attendue : video, onsite ou phone',
});

const PersonSchema = z.object({ id: z.string(), name: z.string() });

export const AppointmentSchema = z
  .object({
    id: z.string(),
    accompanimentId: z.string(),
    start: z.string().openapi({ description: 'Début (ISO 8601, UTC)' }),
    end: z.string(),
    durationMinutes: z.number().int(),
    mode: ModeSchema,
    status: z.enum(['booked', 'held', 'cancelled']),
    cancelReason: z.string().nullable(),
    countedMinutes: z.number().int().nullable().openapi({ description: 'Minutes comptées une fois tenue' }),
    phase: z.string().nullable(),
    createdBy: PersonSchema,
    sequence: z.number().int().openapi({ description: 'Augmente à chaque déplacement ou annulation' }),
    typeLabel: z.string().nullable().openapi({ description: 'Type de rendez-vous choisi à la réservation' }),
    group: z
      .object({
        id: z.string(),
        workshopId: z.string(),
        workshopTitle: z.string(),
        location: z.string().nullable().openapi({ description: 'Lieu, ou lien de la visio externe' }),
      })
      .nullable()
      .openapi({ description: 'La séance collective (atelier) dont ce rendez-vous fait partie' }),
    calls: z.array(
      z.object({ userId: z.string(), name: z.string(), joinedAt: z.string(), leftAt: z.string().nullable() }),
    ),
    attendance: z.array(
      z.object({
        seq: z.number().int(),
        userId: z.string(),
        name: z.string(),
        role: z.enum(['coach', 'learner']),
        halfDay: z.enum(['am', 'pm']),
        method: z.enum(['drawn', 'confirmed']),
        deviceAt: z.string(),
        receivedAt: z.string(),
        correctsSeq: z.number().int().nullable(),
        reason: z.string().nullable(),
      }),
    ),
    history: z.array(
      z.object({
        kind: z.enum(['booked', 'moved', 'cancelled', 'held', 'duration']),
        at: z.string(),
        by: PersonSchema,
        reason: z.string().nullable(),
        fromStart: z.string().nullable(),
        toStart: z.string().nullable(),
        minutes: z.number().int().nullable(),
        previousMinutes: z.number().int().nullable(),
      }),
    ),
  })
  .openapi('Appointment');

export const AppointmentWithContextSchema = AppointmentSchema.extend({
  accompanimentTitle: z.string(),
  learnerName: z.string().nullable(),
}).openapi('AppointmentWithContext');

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

export async function appointmentJson(storage: Storage, a: Appointment) {
  const [calls, attendance, history] = await Promise.all([
    storage.appointments.calls(a.id),
    storage.attendance.listForAppointment(a.id),
    storage.appointments.changes(a.id),
  ]);
  return {
    id: a.id,
    accompanimentId: a.accompanimentId,
    start: iso(a.start),
    end: iso(a.end),
    durationMinutes: a.durationMinutes,
    mode: a.mode,
    status: a.status,
    cancelReason: a.cancelReason,
    countedMinutes: a.countedMinutes,
    phase: a.phase,
    createdBy: a.createdBy,
    sequence: a.sequence,
    typeLabel: a.typeLabel,
    group: a.group,
    calls: calls.map((k) => ({
      userId: k.userId,
      name: k.name,
      joinedAt: iso(k.joinedAt),
      leftAt: isoOrNull(k.leftAt),
    })),
    attendance: attendance.map((r) => ({
      seq: r.seq,
      userId: r.userId,
      name: r.name,
      role: r.role,
      halfDay: r.halfDay,
      method: r.method,
      deviceAt: iso(r.deviceAt),
      receivedAt: iso(r.receivedAt),
      correctsSeq: r.correctsSeq,
      reason: r.reason,
    })),
    history: history.map((h) => ({
      kind: h.kind,
      at: iso(h.at),
      by: h.by,
      reason: h.reason,
      fromStart: isoOrNull(h.fromStart),
      toStart: isoOrNull(h.toStart),
      minutes: h.minutes,
      previousMinutes: h.previousMinutes,
    })),
  };
}

/** Each appointment's JSON, in order, one after the other (one connection's worth of queries at a time). */
export async function appointmentsJson(storage: Storage, list: readonly Appointment[]) {
  const out: Awaited<ReturnType<typeof appointmentJson>>[] = [];
  for (const a of list) out.push(await appointmentJson(storage, a));
  return out;
}

/** The appointment, its accompaniment and the caller's part in it; null for anyone else (AUTH5). */
export async function appointmentAccess(storage: Storage, user: User, id: string) {
  const appointment = await storage.appointments.find(id);
  const acc = appointment ? await storage.accompaniments.find(appointment.accompanimentId) : null;
  const role = acc ? roleIn(user, acc) : null;
  if (!appointment || !acc || !role) return null;
  return { appointment, acc, role };
}

/**
 * The phase under way, for the hours per phase: the first with steps left to do; when every step is done,
 * the last phase; before any step exists, the first phase; null without phases.
 */
export function currentPhase(acc: Accompaniment): string | null {
  const phases = acc.progress?.byPhase ?? [];
  const underWay = phases.find((p) => p.done < p.total);
  if (underWay) return underWay.title;
  const started = phases.some((p) => p.total > 0);
  return (started ? phases.at(-1) : phases[0])?.title ?? null;
}

/** Why a duration cannot be booked, in French, or null. */
export function durationError(minutes: number): string | null {
  if (!Number.isInteger(minutes) || minutes < DURATION_MIN || minutes > DURATION_MAX || minutes % 5 !== 0)
    return 'La durée doit aller de 15 minutes à 8 heures, par pas de 5 minutes.';
  return null;
}

/** Why a start time cannot be planned at all (grid, past, horizon), in French, or null (SCHED3). */
export function timingError(start: number, now: number): string | null {
  if (start % (5 * MINUTE) !== 0) return 'L’heure de début doit tomber sur un multiple de 5 minutes.';
  if (start < now) return 'Ce créneau est déjà passé.';
  if (start > now + BOOKING_HORIZON_DAYS * DAY)
    return 'Les rendez-vous se prennent au plus un an à l’avance.';
  return null;
}

/** Why a start time cannot be booked with this coach, in French, or null (SCHED3). */
export function startError(
  av: CoachAvailability,
  coachName: string,
  start: number,
  durationMinutes: number,
  now: number,
): string | null {
  const timing = timingError(start, now);
  if (timing) return timing;
  if (!withinAvailability(av, start, durationMinutes))
    return `Ce créneau est en dehors des disponibilités de ${coachName}.`;
  return null;
}
