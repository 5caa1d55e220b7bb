// Appointments (SCHED2–SCHED6): booking, moving, cancelling, recording a session as held and adjusting its
// counted minutes. Every change is kept with its reason in the appointment's history.
import { newId } from '@compagnon/model';
import { createRoute, z } from '@hono/zod-openapi';
import { membershipIn } from '../auth/access.ts';
import { exceedsBilanCap } from '../scheduling/hours.ts';
import type { AppointmentMode } from '../storage/appointments.ts';
import { audit } from './audit.ts';
import { CLOSED } from './closing.ts';
import type { Services } from './context.ts';
import { newRouter } from './router.ts';
import {
  ACC_NOT_FOUND,
  APPOINTMENT_NOT_FOUND,
  AppointmentSchema,
  AppointmentWithContextSchema,
  COACH_ONLY,
  COUNTED_MAX,
  DAY,
  IdParam,
  ModeSchema,
  UNAUTHENTICATED,
  appointmentAccess,
  appointmentJson,
  appointmentsJson,
  currentPhase,
  durationError,
  isoInstant,
  reason,
  startError,
} from './scheduling-shared.ts';
import { errorResponse } from './schemas.ts';

const BookSchema = z
  .object({
    accompanimentId: z.string({ error: 'accompagnement attendu' }).min(1).max(100),
    start: isoInstant('heure de début'),
    typeId: z
      .string({ error: 'type de rendez-vous attendu' })
      .max(100)
      .optional()
      .openapi({ description: 'Un type individuel du coach : sa durée et sa modalité s’appliquent' }),
    durationMinutes: z
      .number({ error: 'durée en minutes attendue' })
      .optional()
      .openapi({ description: '15 à 480, par pas de 5 (sans type)', example: 60 }),
    mode: ModeSchema.optional().openapi({ description: 'Sans type' }),
  })
  .openapi('BookAppointment');

const MoveSchema = z
  .object({ start: isoInstant('nouvelle heure de début'), reason: reason() })
  .openapi('MoveAppointment');
const CancelSchema = z.object({ reason: reason() }).openapi('CancelAppointment');

const counted = z
  .number({ error: 'minutes attendues' })
  .int({ error: 'nombre entier de minutes attendu' })
  .min(1, { error: 'au moins 1 minute' })
  .max(COUNTED_MAX, { error: `au plus ${COUNTED_MAX} minutes` });

const HeldSchema = z
  .object({
    minutes: counted.optional().openapi({ description: 'Minutes comptées ; par défaut la durée prévue' }),
    reason: z.string().trim().max(1000, { error: 'au plus 1000 caractères' }).optional(),
  })
  .openapi('AppointmentHeld');

const DurationSchema = z.object({ minutes: counted, reason: reason() }).openapi('AppointmentDuration');

const json = <T extends z.ZodType>(schema: T) => ({
  content: { 'application/json': { schema } },
  required: true,
});
const one = (description: string) => ({
  description,
  content: { 'application/json': { schema: AppointmentSchema } },
});

const listForAccompaniment = createRoute({
  method: 'get',
  path: '/accompaniments/{id}/appointments',
  tags: ['Rendez-vous'],
  summary: 'Les rendez-vous d’un accompagnement (coach et accompagné·e), du plus ancien au plus récent',
  request: { params: IdParam },
  responses: {
    200: {
      description: 'Rendez-vous',
      content: { 'application/json': { schema: z.object({ appointments: z.array(AppointmentSchema) }) } },
    },
    401: errorResponse('Non connecté·e'),
    404: errorResponse('Introuvable'),
  },
});

const listMine = createRoute({
  method: 'get',
  path: '/appointments',
  tags: ['Rendez-vous'],
  summary: 'Mes rendez-vous à partir de la veille',
  responses: {
    200: {
      description: 'Rendez-vous',
      content: {
        'application/json': { schema: z.object({ appointments: z.array(AppointmentWithContextSchema) }) },
      },
    },
    401: errorResponse('Non connecté·e'),
  },
});

const book = createRoute({
  method: 'post',
  path: '/appointments',
  tags: ['Rendez-vous'],
  summary: 'Réserver un créneau (la personne accompagnée, ou son coach pour elle)',
  request: { body: json(BookSchema) },
  responses: {
    201: one('Réservé'),
    400: errorResponse('Requête invalide'),
    401: errorResponse('Non connecté·e'),
    404: errorResponse('Accompagnement introuvable'),
    409: errorResponse('Créneau déjà pris'),
    422: errorResponse('Créneau ou durée refusés'),
  },
});

const move = createRoute({
  method: 'post',
  path: '/appointments/{id}/move',
  tags: ['Rendez-vous'],
  summary: 'Déplacer un rendez-vous (coach, motif obligatoire)',
  request: { params: IdParam, body: json(MoveSchema) },
  responses: {
    200: one('Déplacé'),
    400: errorResponse('Requête invalide'),
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé au coach'),
    404: errorResponse('Introuvable'),
    409: errorResponse('Créneau déjà pris'),
    422: errorResponse('Déplacement refusé'),
  },
});

const cancel = createRoute({
  method: 'post',
  path: '/appointments/{id}/cancel',
  tags: ['Rendez-vous'],
  summary: 'Annuler un rendez-vous (coach ou accompagné·e, motif obligatoire)',
  request: { params: IdParam, body: json(CancelSchema) },
  responses: {
    200: one('Annulé'),
    400: errorResponse('Requête invalide'),
    401: errorResponse('Non connecté·e'),
    404: errorResponse('Introuvable'),
    409: errorResponse('Déjà annulé'),
    422: errorResponse('Séance déjà tenue'),
  },
});

const held = createRoute({
  method: 'post',
  path: '/appointments/{id}/held',
  tags: ['Rendez-vous'],
  summary: 'Enregistrer la séance comme tenue (coach, une fois commencée)',
  request: { params: IdParam, body: json(HeldSchema) },
  responses: {
    201: one('Séance tenue'),
    400: errorResponse('Requête invalide'),
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé au coach'),
    404: errorResponse('Introuvable'),
    409: errorResponse('Déjà enregistrée'),
    422: errorResponse('Pas encore commencée, annulée, motif manquant ou plafond dépassé'),
  },
});

const duration = createRoute({
  method: 'post',
  path: '/appointments/{id}/duration',
  tags: ['Rendez-vous'],
  summary: 'Corriger les minutes comptées d’une séance tenue (coach, motif obligatoire)',
  request: { params: IdParam, body: json(DurationSchema) },
  responses: {
    200: one('Minutes corrigées'),
    400: errorResponse('Requête invalide'),
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé au coach'),
    404: errorResponse('Introuvable'),
    422: errorResponse('Séance non tenue ou plafond dépassé'),
  },
});

const TAKEN = { error: 'Ce créneau vient d’être réservé. Choisissez-en un autre.' };
// A group session moves and is held as a whole, from its workshop (SCHED15).
const GROUP_MOVE = {
  error: 'Cette séance collective se déplace depuis la page de l’atelier, pour tout le groupe.',
};
const GROUP_HELD = {
  error: 'Cette séance collective s’enregistre comme tenue depuis la page de l’atelier, pour tout le groupe.',
};
const BILAN_CAP = {
  error:
    'Un bilan de compétences ne peut pas dépasser 24 heures avec le prestataire (Code du travail, R6313-4).',
};

export function appointmentRoutes(services: Services) {
  const { storage, clock } = services;
  const app = newRouter();

  app.openapi(listForAccompaniment, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const member = await membershipIn(storage, session.user, c.req.valid('param').id);
    if (!member) return c.json(ACC_NOT_FOUND, 404);
    const appointments = await appointmentsJson(
      storage,
      await storage.appointments.listForAccompaniment(member.acc.id),
    );
    return c.json({ appointments }, 200);
  });

  app.openapi(listMine, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const appointments = [];
    for (const a of await storage.appointments.listForUser(session.user.id, clock.now() - DAY))
      appointments.push({
        ...(await appointmentJson(storage, a)),
        accompanimentTitle: a.accompanimentTitle,
        learnerName: a.learner?.name ?? null,
      });
    return c.json({ appointments }, 200);
  });

  app.openapi(book, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const body = c.req.valid('json');
    const member = await membershipIn(storage, session.user, body.accompanimentId);
    if (!member) return c.json(ACC_NOT_FOUND, 404);
    if (await storage.closings.isLocked(member.acc.id)) return c.json(CLOSED, 409);
    // A type of the coach gives the duration and the mode (SCHED13); without one both are required.
    let planned: { durationMinutes: number; mode: AppointmentMode; typeLabel: string | null };
    if (body.typeId !== undefined) {
      const type = (await storage.availabilities.types(member.acc.coach.id)).find(
        (t) => t.id === body.typeId && t.kind === 'individual',
      );
      if (!type)
        return c.json({ error: 'Ce type de rendez-vous n’est plus proposé : choisissez-en un autre.' }, 422);
      planned = { durationMinutes: type.durationMinutes, mode: type.mode, typeLabel: type.label };
    } else {
      if (body.durationMinutes === undefined || body.mode === undefined)
        return c.json(
          { error: 'Requête invalide — indiquez un type de rendez-vous, ou une durée et une modalité.' },
          400,
        );
      planned = { durationMinutes: body.durationMinutes, mode: body.mode, typeLabel: null };
    }
    const badDuration = durationError(planned.durationMinutes);
    if (badDuration) return c.json({ error: badDuration }, 422);
    const now = clock.now();
    const start = Date.parse(body.start);
    const av = await storage.availabilities.get(member.acc.coach.id);
    const refused = startError(av, member.acc.coach.name, start, planned.durationMinutes, now);
    if (refused) return c.json({ error: refused }, 422);
    const booked = await storage.appointments.book(
      {
        id: newId(),
        accompanimentId: member.acc.id,
        coachId: member.acc.coach.id,
        start,
        durationMinutes: planned.durationMinutes,
        mode: planned.mode,
        phase: currentPhase(member.acc),
        createdBy: session.user.id,
        typeLabel: planned.typeLabel,
      },
      now,
    );
    if (booked === 'taken') return c.json(TAKEN, 409);
    await audit(services, {
      actorId: session.user.id,
      action: 'appointment.booked',
      targetType: 'appointment',
      targetId: booked.id,
      summary: `Rendez-vous réservé pour le ${new Date(booked.start).toISOString()} (${booked.durationMinutes} min, ${booked.mode}).`,
      accompanimentId: member.acc.id,
    });
    return c.json(await appointmentJson(storage, booked), 201);
  });

  app.openapi(move, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const found = await appointmentAccess(storage, session.user, c.req.valid('param').id);
    if (!found) return c.json(APPOINTMENT_NOT_FOUND, 404);
    if (found.role !== 'coach') return c.json(COACH_ONLY, 403);
    const { appointment, acc } = found;
    if (appointment.group) return c.json(GROUP_MOVE, 422);
    if (appointment.status !== 'booked')
      return c.json({ error: 'Seul un rendez-vous à venir, ni tenu ni annulé, peut être déplacé.' }, 422);
    const body = c.req.valid('json');
    const start = Date.parse(body.start);
    if (start === appointment.start) return c.json({ error: 'Le rendez-vous est déjà à cette heure.' }, 422);
    const now = clock.now();
    const av = await storage.availabilities.get(acc.coach.id);
    const refused = startError(av, acc.coach.name, start, appointment.durationMinutes, now);
    if (refused) return c.json({ error: refused }, 422);
    const result = await storage.appointments.move(appointment, start, session.user.id, body.reason, now);
    if (result === 'taken') return c.json(TAKEN, 409);
    if (result === 'not-booked')
      return c.json({ error: 'Seul un rendez-vous à venir, ni tenu ni annulé, peut être déplacé.' }, 422);
    await audit(services, {
      actorId: session.user.id,
      action: 'appointment.moved',
      targetType: 'appointment',
      targetId: appointment.id,
      summary: `Rendez-vous déplacé du ${new Date(appointment.start).toISOString()} au ${new Date(start).toISOString()}.`,
      accompanimentId: acc.id,
    });
    return c.json(await appointmentJson(storage, (await storage.appointments.find(appointment.id))!), 200);
  });

  app.openapi(cancel, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const found = await appointmentAccess(storage, session.user, c.req.valid('param').id);
    if (!found) return c.json(APPOINTMENT_NOT_FOUND, 404);
    const { appointment } = found;
    if (appointment.status === 'cancelled') return c.json({ error: 'Ce rendez-vous est déjà annulé.' }, 409);
    if (appointment.status === 'held')
      return c.json({ error: 'Une séance déjà tenue ne peut pas être annulée.' }, 422);
    const body = c.req.valid('json');
    if (!(await storage.appointments.cancel(appointment.id, session.user.id, body.reason, clock.now())))
      return c.json({ error: 'Ce rendez-vous ne peut plus être annulé.' }, 409);
    services.calls?.closeAppointment(appointment.id);
    await audit(services, {
      actorId: session.user.id,
      action: 'appointment.cancelled',
      targetType: 'appointment',
      targetId: appointment.id,
      summary: `Rendez-vous du ${new Date(appointment.start).toISOString()} annulé.`,
      accompanimentId: found.acc.id,
    });
    return c.json(await appointmentJson(storage, (await storage.appointments.find(appointment.id))!), 200);
  });

  app.openapi(held, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const found = await appointmentAccess(storage, session.user, c.req.valid('param').id);
    if (!found) return c.json(APPOINTMENT_NOT_FOUND, 404);
    if (found.role !== 'coach') return c.json(COACH_ONLY, 403);
    const { appointment, acc } = found;
    if (appointment.group) return c.json(GROUP_HELD, 422);
    if (appointment.status === 'held')
      return c.json({ error: 'Cette séance est déjà enregistrée comme tenue.' }, 409);
    if (appointment.status === 'cancelled')
      return c.json({ error: 'Ce rendez-vous est annulé : la séance ne peut pas être tenue.' }, 422);
    const now = clock.now();
    if (now < appointment.start)
      return c.json({ error: 'La séance n’a pas encore commencé : elle sera à enregistrer ensuite.' }, 422);
    const body = c.req.valid('json');
    const minutes = body.minutes ?? appointment.durationMinutes;
    const why = body.reason?.trim() || null;
    if (minutes !== appointment.durationMinutes && !why)
      return c.json({ error: 'Indiquez pourquoi la durée comptée diffère de la durée prévue.' }, 422);
    const provider = (await storage.appointments.heldSessions(acc.id)).reduce(
      (n, s) => n + s.countedMinutes,
      0,
    );
    if (exceedsBilanCap(acc.kind, provider, minutes)) return c.json(BILAN_CAP, 422);
    const ok = await storage.appointments.markHeld(appointment, {
      minutes,
      phase: currentPhase(acc) ?? appointment.phase,
      byUserId: session.user.id,
      reason: why,
      now,
    });
    if (!ok) return c.json({ error: 'Cette séance est déjà enregistrée comme tenue.' }, 409);
    await audit(services, {
      actorId: session.user.id,
      action: 'appointment.held',
      targetType: 'appointment',
      targetId: appointment.id,
      summary: `Séance du ${new Date(appointment.start).toISOString()} tenue : ${minutes} min comptées.`,
      accompanimentId: acc.id,
    });
    return c.json(await appointmentJson(storage, (await storage.appointments.find(appointment.id))!), 201);
  });

  app.openapi(duration, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const found = await appointmentAccess(storage, session.user, c.req.valid('param').id);
    if (!found) return c.json(APPOINTMENT_NOT_FOUND, 404);
    if (found.role !== 'coach') return c.json(COACH_ONLY, 403);
    const { appointment, acc } = found;
    if (appointment.status !== 'held')
      return c.json({ error: 'Seule une séance tenue a des minutes comptées à corriger.' }, 422);
    const body = c.req.valid('json');
    const others = (await storage.appointments.heldSessions(acc.id))
      .filter((s) => s.id !== appointment.id)
      .reduce((n, s) => n + s.countedMinutes, 0);
    if (exceedsBilanCap(acc.kind, others, body.minutes)) return c.json(BILAN_CAP, 422);
    await storage.appointments.adjustMinutes(appointment, {
      minutes: body.minutes,
      byUserId: session.user.id,
      reason: body.reason,
      now: clock.now(),
    });
    return c.json(await appointmentJson(storage, (await storage.appointments.find(appointment.id))!), 200);
  });

  return app;
}
