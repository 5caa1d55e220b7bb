// Hours of an accompaniment (SCHED7): contracted, spent with the provider, the learner's personal time.
import { newId } from '@compagnon/model';
import { createRoute, z } from '@hono/zod-openapi';
import { membershipIn } from '../auth/access.ts';
import { hoursSummary } from '../scheduling/hours.ts';
import { isIsoDate } from '../scheduling/zoned.ts';
import type { Services } from './context.ts';
import { newRouter } from './router.ts';
import { ACC_NOT_FOUND, IdParam, UNAUTHENTICATED } from './scheduling-shared.ts';
import { errorResponse } from './schemas.ts';

const PersonalTimeSchema = z
  .object({
    id: z.string(),
    date: z.string(),
    minutes: z.number().int(),
    note: z.string().nullable(),
  })
  .openapi('PersonalTime');

const HoursSchema = z
  .object({
    contractedMinutes: z.number().int(),
    providerMinutes: z.number().int().openapi({ description: 'Séances tenues, minutes comptées' }),
    personalMinutes: z.number().int().openapi({ description: 'Temps personnel de la personne accompagnée' }),
    remainingMinutes: z.number().int(),
    byPhase: z.array(z.object({ phase: z.string(), minutes: z.number().int() })),
    capMinutes: z.number().int().nullable().openapi({ description: '1440 pour un bilan, sinon null' }),
    warning: z.string().nullable(),
    personal: z.array(PersonalTimeSchema),
  })
  .openapi('Hours');

const PersonalTimeInputSchema = z
  .object({
    minutes: z
      .number({ error: 'minutes attendues' })
      .int({ error: 'nombre entier de minutes attendu' })
      .min(1, { error: 'au moins 1 minute' })
      .max(1440, { error: 'au plus 24 heures par saisie' }),
    date: z
      .string({ error: 'date attendue' })
      .refine(isIsoDate, { error: 'date attendue au format AAAA-MM-JJ' })
      .openapi({ example: '2026-12-02' }),
    note: z.string().trim().max(500, { error: 'au plus 500 caractères' }).optional(),
  })
  .openapi('PersonalTimeInput');

const hours = createRoute({
  method: 'get',
  path: '/accompaniments/{id}/hours',
  tags: ['Rendez-vous'],
  summary: 'Heures prévues, réalisées avec le prestataire, temps personnel, reste (coach et accompagné·e)',
  request: { params: IdParam },
  responses: {
    200: { description: 'Heures', content: { 'application/json': { schema: HoursSchema } } },
    401: errorResponse('Non connecté·e'),
    404: errorResponse('Introuvable'),
  },
});

const addPersonal = createRoute({
  method: 'post',
  path: '/accompaniments/{id}/personal-time',
  tags: ['Rendez-vous'],
  summary: 'Noter du temps personnel (la personne accompagnée) ; jamais compté comme temps du prestataire',
  request: {
    params: IdParam,
    body: { content: { 'application/json': { schema: PersonalTimeInputSchema } }, required: true },
  },
  responses: {
    201: { description: 'Noté', content: { 'application/json': { schema: PersonalTimeSchema } } },
    400: errorResponse('Requête invalide'),
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé à la personne accompagnée'),
    404: errorResponse('Introuvable'),
  },
});

export function hoursRoutes(services: Services) {
  const { storage, clock } = services;
  const app = newRouter();

  app.openapi(hours, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const member = await membershipIn(storage, session.user, c.req.valid('param').id);
    if (!member) return c.json(ACC_NOT_FOUND, 404);
    const { acc } = member;
    const personal = await storage.personalTime.list(acc.id);
    const summary = hoursSummary({
      kind: acc.kind,
      hoursBudget: acc.hoursBudget,
      held: await storage.appointments.heldSessions(acc.id),
      personal,
    });
    return c.json(
      { ...summary, personal: personal.map(({ id, date, minutes, note }) => ({ id, date, minutes, note })) },
      200,
    );
  });

  app.openapi(addPersonal, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const member = await membershipIn(storage, session.user, c.req.valid('param').id);
    if (!member) return c.json(ACC_NOT_FOUND, 404);
    if (member.role !== 'learner')
      return c.json({ error: 'Le temps personnel est noté par la personne accompagnée.' }, 403);
    const body = c.req.valid('json');
    const entry = await storage.personalTime.add({
      id: newId(),
      accompanimentId: member.acc.id,
      userId: session.user.id,
      date: body.date,
      minutes: body.minutes,
      note: body.note || null,
      now: clock.now(),
    });
    return c.json({ id: entry.id, date: entry.date, minutes: entry.minutes, note: entry.note }, 201);
  });

  return app;
}
