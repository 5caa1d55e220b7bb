// A coach's availability and the free slots of an accompaniment's coach (SCHED1, SCHED2); the coach's
// appointment types, and the individual ones offered to a learner (SCHED13).
import { newId } from '@compagnon/model';
import { createRoute, z } from '@hono/zod-openapi';
import { membershipIn } from '../auth/access.ts';
import { APPOINTMENT_KINDS, parseAppointmentTypes } from '../scheduling/appointment-types.ts';
import { freeSlots, parseAvailability } from '../scheduling/availability.ts';
import type { CoachAvailability } from '../storage/availability.ts';
import type { Services } from './context.ts';
import { newRouter } from './router.ts';
import {
  ACC_NOT_FOUND,
  COACH_ONLY,
  DAY,
  IdParam,
  ModeSchema,
  UNAUTHENTICATED,
  durationError,
  isoInstant,
} from './scheduling-shared.ts';
import { errorResponse, validationError } from './schemas.ts';

/** Slots are asked for at most this many days at once. */
export const SLOTS_MAX_DAYS = 62;
const SLOTS_DEFAULT_DAYS = 14;

const HHMM = z.string().openapi({ example: '09:00' });

const WeeklySchema = z.object({
  day: z.number().int().openapi({ description: '1 = lundi … 7 = dimanche', example: 1 }),
  start: HHMM,
  end: HHMM.openapi({ example: '12:00' }),
});

const ExceptionSchema = z.object({
  date: z.string().openapi({ example: '2026-12-24' }),
  available: z.boolean().openapi({ description: 'false : fermé ; true : ouverture supplémentaire' }),
  start: HHMM.optional(),
  end: HHMM.optional(),
  label: z.string().optional().openapi({ example: 'Réveillon' }),
});

const AvailabilitySchema = z
  .object({
    timeZone: z.string().openapi({ example: 'Europe/Paris' }),
    weekly: z.array(WeeklySchema),
    exceptions: z.array(ExceptionSchema),
    reminderHours: z.number().int().openapi({ description: 'Rappel par e-mail, heures avant (0 : aucun)' }),
  })
  .openapi('Availability');

// Loose on purpose: every value is checked by parseAvailability, whose refusals are 422 with a French
// message; the shapes are only what the OpenAPI document shows.
const AvailabilityInputSchema = z
  .object({
    timeZone: z.string().optional(),
    weekly: z.array(WeeklySchema.partial().loose()),
    exceptions: z.array(ExceptionSchema.partial().loose()).optional(),
    reminderHours: z.number().optional().openapi({ description: '0 à 168 ; 24 par défaut' }),
  })
  .openapi('AvailabilityInput');

const SlotsQuery = z.object({
  from: isoInstant('début de la période').optional(),
  to: isoInstant('fin de la période').optional(),
  durationMinutes: z
    .string()
    .regex(/^\d{1,4}$/, { error: 'durée en minutes attendue' })
    .optional()
    .openapi({ example: '60' }),
});

const SlotsSchema = z
  .object({
    timeZone: z.string(),
    slots: z.array(z.object({ start: z.string(), end: z.string() })),
  })
  .openapi('Slots');

const AppointmentTypeSchema = z
  .object({
    id: z.string(),
    label: z.string().openapi({ example: 'Entretien individuel' }),
    kind: z.enum(APPOINTMENT_KINDS).openapi({ description: 'individual : individuel ; group : collectif' }),
    durationMinutes: z.number().int().openapi({ example: 90 }),
    mode: ModeSchema,
  })
  .openapi('AppointmentType');

const TypesSchema = z.object({ types: z.array(AppointmentTypeSchema) }).openapi('AppointmentTypes');

// Loose like the availability: parseAppointmentTypes checks every value (422, French message).
const TypesInputSchema = z
  .object({
    types: z.array(
      z
        .object({
          id: z.string().optional().openapi({ description: 'Absent pour un nouveau type' }),
          label: z.string(),
          kind: z.string(),
          durationMinutes: z.number(),
          mode: z.string(),
        })
        .partial()
        .loose(),
    ),
  })
  .openapi('AppointmentTypesInput');

const getTypes = createRoute({
  method: 'get',
  path: '/appointment-types',
  tags: ['Rendez-vous'],
  summary: 'Mes types de rendez-vous (coach) : nom, individuel ou collectif, durée, modalité',
  responses: {
    200: { description: 'Types', content: { 'application/json': { schema: TypesSchema } } },
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé aux coachs'),
  },
});

const putTypes = createRoute({
  method: 'put',
  path: '/appointment-types',
  tags: ['Rendez-vous'],
  summary: 'Remplacer mes types de rendez-vous (coach ; au moins un type individuel)',
  request: {
    body: { content: { 'application/json': { schema: TypesInputSchema } }, required: true },
  },
  responses: {
    200: { description: 'Enregistrés', content: { 'application/json': { schema: TypesSchema } } },
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé aux coachs'),
    422: errorResponse('Types invalides (rien n’est enregistré)'),
  },
});

const offeredTypes = createRoute({
  method: 'get',
  path: '/accompaniments/{id}/appointment-types',
  tags: ['Rendez-vous'],
  summary: 'Les types de rendez-vous individuels que propose le coach de cet accompagnement',
  request: { params: IdParam },
  responses: {
    200: { description: 'Types individuels', content: { 'application/json': { schema: TypesSchema } } },
    401: errorResponse('Non connecté·e'),
    404: errorResponse('Introuvable'),
  },
});

const get = createRoute({
  method: 'get',
  path: '/availability',
  tags: ['Rendez-vous'],
  summary: 'Mes disponibilités (coach) : plages hebdomadaires, exceptions, délai des rappels',
  responses: {
    200: { description: 'Disponibilités', content: { 'application/json': { schema: AvailabilitySchema } } },
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé aux coachs'),
  },
});

const put = createRoute({
  method: 'put',
  path: '/availability',
  tags: ['Rendez-vous'],
  summary: 'Remplacer mes disponibilités (coach)',
  request: {
    body: { content: { 'application/json': { schema: AvailabilityInputSchema } }, required: true },
  },
  responses: {
    200: { description: 'Enregistrées', content: { 'application/json': { schema: AvailabilitySchema } } },
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé aux coachs'),
    422: errorResponse('Disponibilités invalides (rien n’est enregistré)'),
  },
});

const slots = createRoute({
  method: 'get',
  path: '/accompaniments/{id}/slots',
  tags: ['Rendez-vous'],
  summary: 'Créneaux libres du coach de cet accompagnement (pas de 30 minutes, au plus 62 jours)',
  request: { params: IdParam, query: SlotsQuery },
  responses: {
    200: { description: 'Créneaux', content: { 'application/json': { schema: SlotsSchema } } },
    400: errorResponse('Requête invalide'),
    401: errorResponse('Non connecté·e'),
    404: errorResponse('Introuvable'),
    422: errorResponse('Période ou durée refusée'),
  },
});

export function availabilityJson(av: CoachAvailability) {
  return {
    timeZone: av.timeZone,
    weekly: av.weekly,
    exceptions: av.exceptions,
    reminderHours: av.reminderHours,
  };
}

export function availabilityRoutes(services: Services) {
  const { storage, clock } = services;
  const app = newRouter();

  app.openapi(get, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    if (session.user.role !== 'coach') return c.json(COACH_ONLY, 403);
    return c.json(availabilityJson(await storage.availabilities.get(session.user.id)), 200);
  });

  app.openapi(
    put,
    async (c) => {
      const session = c.get('session');
      if (!session) return c.json(UNAUTHENTICATED, 401);
      if (session.user.role !== 'coach') return c.json(COACH_ONLY, 403);
      const body = c.req.valid('json');
      const parsed = parseAvailability(body);
      if (!parsed.ok) return c.json({ error: parsed.error }, 422);
      const reminderHours =
        body.reminderHours ?? (await storage.availabilities.get(session.user.id)).reminderHours;
      if (!Number.isInteger(reminderHours) || reminderHours < 0 || reminderHours > 168)
        return c.json({ error: 'Le rappel se règle de 0 à 168 heures avant le rendez-vous.' }, 422);
      const value: CoachAvailability = { ...parsed.value, reminderHours };
      await storage.availabilities.put(session.user.id, value, clock.now());
      return c.json(availabilityJson(value), 200);
    },
    // A malformed body is refused like a wrong value: 422, nothing stored.
    (result, c) => {
      if (!result.success) return c.json(validationError(result.error.issues), 422);
    },
  );

  app.openapi(getTypes, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    if (session.user.role !== 'coach') return c.json(COACH_ONLY, 403);
    return c.json({ types: await storage.availabilities.types(session.user.id) }, 200);
  });

  app.openapi(
    putTypes,
    async (c) => {
      const session = c.get('session');
      if (!session) return c.json(UNAUTHENTICATED, 401);
      if (session.user.role !== 'coach') return c.json(COACH_ONLY, 403);
      const parsed = parseAppointmentTypes(c.req.valid('json'), () => newId());
      if (!parsed.ok) return c.json({ error: parsed.error }, 422);
      await storage.availabilities.putTypes(session.user.id, parsed.value, clock.now());
      return c.json({ types: parsed.value }, 200);
    },
    (result, c) => {
      if (!result.success) return c.json(validationError(result.error.issues), 422);
    },
  );

  app.openapi(offeredTypes, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const member = await membershipIn(storage, session.user, c.req.valid('param').id);
    if (!member) return c.json(ACC_NOT_FOUND, 404);
    const types = (await storage.availabilities.types(member.acc.coach.id)).filter(
      (t) => t.kind === 'individual',
    );
    return c.json({ types }, 200);
  });

  app.openapi(slots, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const member = await membershipIn(storage, session.user, c.req.valid('param').id);
    if (!member) return c.json(ACC_NOT_FOUND, 404);
    const query = c.req.valid('query');
    const now = clock.now();
    const durationMinutes = query.durationMinutes === undefined ? 60 : Number(query.durationMinutes);
    const badDuration = durationError(durationMinutes);
    if (badDuration) return c.json({ error: badDuration }, 422);
    const from = query.from ? Date.parse(query.from) : now;
    const to = query.to ? Date.parse(query.to) : from + SLOTS_DEFAULT_DAYS * DAY;
    if (to <= from) return c.json({ error: 'La fin de la période doit être après son début.' }, 422);
    if (to - from > SLOTS_MAX_DAYS * DAY)
      return c.json({ error: `Les créneaux se consultent sur ${SLOTS_MAX_DAYS} jours au plus.` }, 422);
    const coachId = member.acc.coach.id;
    const av = await storage.availabilities.get(coachId);
    const free = freeSlots(av, {
      from,
      to,
      durationMinutes,
      busy: await storage.appointments.busy(coachId, from, to),
      now,
    });
    return c.json(
      {
        timeZone: av.timeZone,
        slots: free.map((s) => ({
          start: new Date(s.start).toISOString(),
          end: new Date(s.end).toISOString(),
        })),
      },
      200,
    );
  });

  return app;
}
