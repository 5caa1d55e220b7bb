// Group sessions of a workshop (SCHED14–SCHED16): the coach plans one session for the whole group; each
// participant gets an ordinary appointment in their own accompaniment (same time, shared `group_id`), so that
// hours, attendance, the sheet and the learner's calendar feed keep working per accompaniment. The coach
// moves, cancels, marks held and signs once, for every participant's appointment.
import { newId } from '@compagnon/model';
import { createRoute, z } from '@hono/zod-openapi';
import { workshopRoleIn } from '../auth/access.ts';
import type { HalfDay } from '../scheduling/chain.ts';
import { exceedsBilanCap } from '../scheduling/hours.ts';
import type { Appointment, AppointmentGroup, AppointmentMode, HeldChild } from '../storage/appointments.ts';
import type { Storage } from '../storage/storage.ts';
import type { User } from '../storage/users.ts';
import { MethodSchema, halfDayOf, signature, signatureFor } from './attendance.ts';
import { audit } from './audit.ts';
import type { Services } from './context.ts';
import { newRouter } from './router.ts';
import {
  AppointmentSchema,
  COUNTED_MAX,
  ModeSchema,
  UNAUTHENTICATED,
  appointmentJson,
  currentPhase,
  durationError,
  isoInstant,
  pathId,
  reason,
  timingError,
} from './scheduling-shared.ts';
import { errorResponse } from './schemas.ts';

export const LOCATION_MAX = 500;

const WorkshopParam = z.object({ id: pathId('id') });
const SessionParams = z.object({ id: pathId('id'), groupId: pathId('groupId') });

const PlanSchema = z
  .object({
    start: isoInstant('heure de début'),
    typeId: z
      .string({ error: 'type de rendez-vous attendu' })
      .max(100)
      .optional()
      .openapi({ description: 'Un type collectif du coach : sa durée et sa modalité s’appliquent' }),
    durationMinutes: z
      .number({ error: 'durée en minutes attendue' })
      .optional()
      .openapi({ description: '15 à 480, par pas de 5 (sans type)', example: 180 }),
    mode: ModeSchema.optional().openapi({ description: 'Sans type' }),
    location: z
      .string({ error: 'lieu attendu (texte)' })
      .trim()
      .max(LOCATION_MAX, { error: `au plus ${LOCATION_MAX} caractères` })
      .optional()
      .openapi({ description: 'Lieu, numéro à appeler ou lien de la visio externe', example: 'Salle 2' }),
  })
  .openapi('PlanGroupSession');

const MoveSchema = z
  .object({ start: isoInstant('nouvelle heure de début'), reason: reason() })
  .openapi('MoveGroupSession');
const CancelSchema = z.object({ reason: reason() }).openapi('CancelGroupSession');
const HeldSchema = z
  .object({
    minutes: z
      .number({ error: 'minutes attendues' })
      .int({ error: 'nombre entier de minutes attendu' })
      .min(1, { error: 'au moins 1 minute' })
      .max(COUNTED_MAX, { error: `au plus ${COUNTED_MAX} minutes` })
      .optional()
      .openapi({ description: 'Minutes comptées à chaque participant·e ; par défaut la durée prévue' }),
    reason: z.string().trim().max(1000, { error: 'au plus 1000 caractères' }).optional(),
  })
  .openapi('GroupSessionHeld');
const SignSchema = z
  .object({
    method: MethodSchema,
    signature,
    deviceAt: isoInstant('heure de l’appareil'),
    halfDay: z.enum(['am', 'pm'], { error: 'demi-journée attendue : am ou pm' }).optional(),
  })
  .openapi('GroupSessionSign');

const HalfDaySchema = z.enum(['am', 'pm']);
const StatusSchema = z.enum(['booked', 'held', 'cancelled']);

const GroupSessionSchema = z
  .object({
    id: z.string(),
    workshopId: z.string(),
    workshopTitle: z.string(),
    start: z.string(),
    end: z.string(),
    durationMinutes: z.number().int(),
    mode: ModeSchema,
    location: z.string().nullable(),
    typeLabel: z.string().nullable(),
    status: StatusSchema,
    cancelReason: z.string().nullable(),
    sequence: z.number().int(),
    participantCount: z
      .number()
      .int()
      .openapi({ description: 'Participant·es inscrit·es (hors désistements)' }),
    participants: z
      .array(
        z.object({
          userId: z.string().nullable(),
          name: z.string(),
          accompanimentId: z.string(),
          appointmentId: z.string(),
          status: StatusSchema,
          countedMinutes: z.number().int().nullable(),
          signedHalfDays: z.array(HalfDaySchema),
        }),
      )
      .openapi({ description: 'Pour la personne qui anime : chaque rendez-vous ; sinon vide' }),
    coachSignedHalfDays: z
      .array(HalfDaySchema)
      .openapi({ description: 'Demi-journées émargées par la personne qui anime, pour tout le groupe' }),
    mine: AppointmentSchema.nullable().openapi({ description: 'Son propre rendez-vous (participant·e)' }),
  })
  .openapi('GroupSession');

const jsonBody = <T>(schema: T) => ({ content: { 'application/json': { schema } }, required: true });
const one = (description: string) => ({
  description,
  content: { 'application/json': { schema: GroupSessionSchema } },
});
const TAGS = ['Ateliers'];

const list = createRoute({
  method: 'get',
  path: '/{id}/sessions',
  tags: TAGS,
  summary: 'Les séances collectives de l’atelier, de la plus ancienne à la plus récente',
  request: { params: WorkshopParam },
  responses: {
    200: {
      description: 'Séances',
      content: { 'application/json': { schema: z.object({ sessions: z.array(GroupSessionSchema) }) } },
    },
    401: errorResponse('Non connecté·e'),
    404: errorResponse('Atelier introuvable'),
  },
});

const plan = createRoute({
  method: 'post',
  path: '/{id}/sessions',
  tags: TAGS,
  summary: 'Planifier une séance collective (coach) : un rendez-vous par participant·e, en une transaction',
  request: { params: WorkshopParam, body: jsonBody(PlanSchema) },
  responses: {
    201: one('Séance planifiée'),
    400: errorResponse('Requête invalide'),
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé à la personne qui anime l’atelier'),
    404: errorResponse('Atelier introuvable'),
    409: errorResponse('Créneau déjà pris'),
    422: errorResponse('Heure, durée, type refusés ou aucun·e participant·e'),
  },
});

const move = createRoute({
  method: 'post',
  path: '/{id}/sessions/{groupId}/move',
  tags: TAGS,
  summary: 'Déplacer une séance collective pour tout le groupe (coach, motif obligatoire)',
  request: { params: SessionParams, body: jsonBody(MoveSchema) },
  responses: {
    200: one('Déplacée'),
    400: errorResponse('Requête invalide'),
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé à la personne qui anime l’atelier'),
    404: errorResponse('Introuvable'),
    409: errorResponse('Créneau déjà pris'),
    422: errorResponse('Séance ni à venir ni réservée, ou heure refusée'),
  },
});

const cancel = createRoute({
  method: 'post',
  path: '/{id}/sessions/{groupId}/cancel',
  tags: TAGS,
  summary: 'Annuler une séance collective pour tout le groupe (coach, motif obligatoire)',
  request: { params: SessionParams, body: jsonBody(CancelSchema) },
  responses: {
    200: one('Annulée'),
    400: errorResponse('Requête invalide'),
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé à la personne qui anime l’atelier'),
    404: errorResponse('Introuvable'),
    409: errorResponse('Déjà annulée'),
    422: errorResponse('Séance déjà tenue'),
  },
});

const held = createRoute({
  method: 'post',
  path: '/{id}/sessions/{groupId}/held',
  tags: TAGS,
  summary: 'Enregistrer la séance collective comme tenue, pour chaque participant·e inscrit·e (coach)',
  request: { params: SessionParams, body: jsonBody(HeldSchema) },
  responses: {
    201: one('Séance tenue'),
    400: errorResponse('Requête invalide'),
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé à la personne qui anime l’atelier'),
    404: errorResponse('Introuvable'),
    409: errorResponse('Déjà enregistrée'),
    422: errorResponse(
      'Pas encore commencée, annulée, sans participant·e, motif manquant ou plafond dépassé',
    ),
  },
});

const sign = createRoute({
  method: 'post',
  path: '/{id}/sessions/{groupId}/attendance',
  tags: TAGS,
  summary:
    'Émarger une fois pour tout le groupe (coach) : sa signature est portée sur chaque rendez-vous tenu',
  request: { params: SessionParams, body: jsonBody(SignSchema) },
  responses: {
    201: {
      description: 'Émargements enregistrés',
      content: {
        'application/json': {
          schema: z
            .object({ signed: z.number().int(), halfDay: HalfDaySchema, receivedAt: z.string() })
            .openapi('GroupSessionSigned'),
        },
      },
    },
    400: errorResponse('Requête invalide'),
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé à la personne qui anime l’atelier'),
    404: errorResponse('Introuvable'),
    409: errorResponse('Déjà émargé pour cette demi-journée'),
    422: errorResponse('Séance non tenue ou signature manquante'),
  },
});

const NOT_FOUND = { error: 'Atelier introuvable.' };
const SESSION_NOT_FOUND = { error: 'Séance introuvable.' };
const COACH_ONLY = { error: 'Seule la personne qui anime l’atelier gère ses séances.' };
const TAKEN = { error: 'Ce créneau chevauche un autre de vos rendez-vous. Choisissez-en un autre.' };
const NOT_BOOKED_MOVE = { error: 'Seule une séance à venir, ni tenue ni annulée, peut être déplacée.' };
const BILAN_CAP = (name: string) => ({
  error: `Pour ${name}, un bilan de compétences ne peut pas dépasser 24 heures avec le prestataire (Code du travail, R6313-4).`,
});

const iso = (ms: number) => new Date(ms).toISOString();

/** The half-days the person signed on an appointment (first signatures, corrections apart). */
async function signedHalfDays(storage: Storage, appointmentId: string, userId: string): Promise<HalfDay[]> {
  const set = new Set<HalfDay>();
  for (const r of await storage.attendance.listForAppointment(appointmentId))
    if (r.userId === userId && r.correctsSeq === null) set.add(r.halfDay);
  return [...set].sort();
}

/** The session as the caller sees it: the coach every participant's appointment, a participant their own. */
export async function groupSessionJson(
  storage: Storage,
  group: AppointmentGroup,
  viewer: User,
  role: string,
) {
  const children = await storage.appointments.childrenOf(group.id);
  const isCoach = role === 'coach';
  const held = children.filter((a) => a.status === 'held');
  // The coach signed a half-day for the group when their signature is on every held appointment.
  const coachSigned: HalfDay[][] = [];
  for (const a of held) coachSigned.push(await signedHalfDays(storage, a.id, group.coach.id));
  const coachHalfDays = (['am', 'pm'] as const).filter(
    (h) => held.length > 0 && coachSigned.every((days) => days.includes(h)),
  );
  const participants = [];
  if (isCoach)
    for (const a of children)
      participants.push({
        userId: a.learner?.id ?? null,
        name: a.learner?.name ?? a.accompanimentTitle,
        accompanimentId: a.accompanimentId,
        appointmentId: a.id,
        status: a.status,
        countedMinutes: a.countedMinutes,
        signedHalfDays: a.learner ? await signedHalfDays(storage, a.id, a.learner.id) : [],
      });
  const mine = isCoach ? null : (children.find((a) => a.learner?.id === viewer.id) ?? null);
  return {
    id: group.id,
    workshopId: group.workshopId,
    workshopTitle: group.workshopTitle,
    start: iso(group.start),
    end: iso(group.end),
    durationMinutes: group.durationMinutes,
    mode: group.mode,
    location: group.location,
    typeLabel: group.typeLabel,
    status: group.status,
    cancelReason: group.cancelReason,
    sequence: group.sequence,
    participantCount: children.filter((a) => a.status !== 'cancelled').length,
    participants,
    coachSignedHalfDays: coachHalfDays,
    mine: mine ? await appointmentJson(storage, mine) : null,
  };
}

export function groupSessionRoutes(services: Services) {
  const { storage, clock } = services;
  const app = newRouter();

  /** The workshop, the caller's part in it and, when asked, one of its sessions; null → 404. */
  async function access(user: User, workshopId: string, groupId?: string) {
    const member = await workshopRoleIn(storage, user, workshopId);
    if (!member) return { error: NOT_FOUND } as const;
    if (groupId === undefined) return { ...member, group: null };
    const group = await storage.appointments.findGroup(groupId);
    if (!group || group.workshopId !== member.workshop.id) return { error: SESSION_NOT_FOUND } as const;
    return { ...member, group };
  }

  app.openapi(list, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const found = await access(session.user, c.req.valid('param').id);
    if ('error' in found) return c.json(found.error, 404);
    const sessions = [];
    for (const g of await storage.appointments.groupsForWorkshop(found.workshop.id))
      sessions.push(await groupSessionJson(storage, g, session.user, found.role));
    return c.json({ sessions }, 200);
  });

  app.openapi(plan, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const found = await access(session.user, c.req.valid('param').id);
    if ('error' in found) return c.json(found.error, 404);
    if (found.role !== 'coach') return c.json(COACH_ONLY, 403);
    const body = c.req.valid('json');
    const coachId = found.workshop.coach.id;
    let planned: { durationMinutes: number; mode: AppointmentMode; typeLabel: string | null };
    if (body.typeId !== undefined) {
      const type = (await storage.availabilities.types(coachId)).find(
        (t) => t.id === body.typeId && t.kind === 'group',
      );
      if (!type)
        return c.json({ error: 'Ce type de séance collective n’existe plus : choisissez-en un autre.' }, 422);
      planned = { durationMinutes: type.durationMinutes, mode: type.mode, typeLabel: type.label };
    } else {
      if (body.durationMinutes === undefined || body.mode === undefined)
        return c.json(
          { error: 'Requête invalide — indiquez un type de séance, ou une durée et une modalité.' },
          400,
        );
      planned = { durationMinutes: body.durationMinutes, mode: body.mode, typeLabel: null };
    }
    const badDuration = durationError(planned.durationMinutes);
    if (badDuration) return c.json({ error: badDuration }, 422);
    const now = clock.now();
    const start = Date.parse(body.start);
    // Opening hours are what learners may book alone; the coach sets a workshop's time where they want.
    const refused = timingError(start, now);
    if (refused) return c.json({ error: refused }, 422);
    // One appointment per participant whose accompaniment is still led by this coach and not closed.
    const children: { id: string; accompanimentId: string; phase: string | null }[] = [];
    for (const p of await storage.workshops.participants(found.workshop.id)) {
      const acc = p.accompanimentId ? await storage.accompaniments.find(p.accompanimentId) : null;
      if (!acc || acc.learner?.id !== p.userId || acc.coach.id !== coachId) continue;
      if (await storage.closings.isLocked(acc.id)) continue;
      children.push({ id: newId(), accompanimentId: acc.id, phase: currentPhase(acc) });
    }
    if (children.length === 0)
      return c.json(
        { error: 'Aucune personne à inscrire : ajoutez d’abord des participant·es à l’atelier.' },
        422,
      );
    const group = await storage.appointments.bookGroup(
      {
        id: newId(),
        workshopId: found.workshop.id,
        coachId,
        start,
        durationMinutes: planned.durationMinutes,
        mode: planned.mode,
        location: body.location || null,
        typeLabel: planned.typeLabel,
        createdBy: session.user.id,
      },
      children,
      now,
    );
    if (group === 'taken') return c.json(TAKEN, 409);
    for (const child of children)
      await audit(services, {
        actorId: session.user.id,
        action: 'appointment.booked',
        targetType: 'appointment',
        targetId: child.id,
        summary: `Séance collective « ${group.workshopTitle} » réservée pour le ${iso(start)} (${planned.durationMinutes} min, ${planned.mode}).`,
        accompanimentId: child.accompanimentId,
      });
    return c.json(await groupSessionJson(storage, group, session.user, 'coach'), 201);
  });

  app.openapi(move, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const params = c.req.valid('param');
    const found = await access(session.user, params.id, params.groupId);
    if ('error' in found) return c.json(found.error, 404);
    if (found.role !== 'coach') return c.json(COACH_ONLY, 403);
    const group = found.group!;
    if (group.status !== 'booked') return c.json(NOT_BOOKED_MOVE, 422);
    const body = c.req.valid('json');
    const start = Date.parse(body.start);
    if (start === group.start) return c.json({ error: 'La séance est déjà à cette heure.' }, 422);
    const now = clock.now();
    const refused = timingError(start, now);
    if (refused) return c.json({ error: refused }, 422);
    const result = await storage.appointments.moveGroup(group, start, session.user.id, body.reason, now);
    if (result === 'taken') return c.json(TAKEN, 409);
    if (result === 'not-booked') return c.json(NOT_BOOKED_MOVE, 422);
    for (const child of await storage.appointments.childrenOf(group.id))
      if (child.status === 'booked')
        await audit(services, {
          actorId: session.user.id,
          action: 'appointment.moved',
          targetType: 'appointment',
          targetId: child.id,
          summary: `Séance collective déplacée du ${iso(group.start)} au ${iso(start)}.`,
          accompanimentId: child.accompanimentId,
        });
    return c.json(
      await groupSessionJson(
        storage,
        (await storage.appointments.findGroup(group.id))!,
        session.user,
        'coach',
      ),
      200,
    );
  });

  app.openapi(cancel, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const params = c.req.valid('param');
    const found = await access(session.user, params.id, params.groupId);
    if ('error' in found) return c.json(found.error, 404);
    if (found.role !== 'coach') return c.json(COACH_ONLY, 403);
    const group = found.group!;
    if (group.status === 'cancelled') return c.json({ error: 'Cette séance est déjà annulée.' }, 409);
    if (group.status === 'held')
      return c.json({ error: 'Une séance déjà tenue ne peut pas être annulée.' }, 422);
    const cancelled = await storage.appointments.cancelGroup(
      group,
      session.user.id,
      c.req.valid('json').reason,
      clock.now(),
    );
    if (!cancelled) return c.json({ error: 'Cette séance ne peut plus être annulée.' }, 409);
    for (const id of cancelled) {
      services.calls?.closeAppointment(id);
      await audit(services, {
        actorId: session.user.id,
        action: 'appointment.cancelled',
        targetType: 'appointment',
        targetId: id,
        summary: `Séance collective du ${iso(group.start)} annulée.`,
        accompanimentId: (await storage.appointments.find(id))?.accompanimentId ?? null,
      });
    }
    return c.json(
      await groupSessionJson(
        storage,
        (await storage.appointments.findGroup(group.id))!,
        session.user,
        'coach',
      ),
      200,
    );
  });

  app.openapi(held, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const params = c.req.valid('param');
    const found = await access(session.user, params.id, params.groupId);
    if ('error' in found) return c.json(found.error, 404);
    if (found.role !== 'coach') return c.json(COACH_ONLY, 403);
    const group = found.group!;
    if (group.status === 'held')
      return c.json({ error: 'Cette séance est déjà enregistrée comme tenue.' }, 409);
    if (group.status === 'cancelled')
      return c.json({ error: 'Cette séance est annulée : elle ne peut pas être tenue.' }, 422);
    const now = clock.now();
    if (now < group.start)
      return c.json({ error: 'La séance n’a pas encore commencé : elle sera à enregistrer ensuite.' }, 422);
    const body = c.req.valid('json');
    const minutes = body.minutes ?? group.durationMinutes;
    const why = body.reason?.trim() || null;
    if (minutes !== group.durationMinutes && !why)
      return c.json({ error: 'Indiquez pourquoi la durée comptée diffère de la durée prévue.' }, 422);
    const booked = (await storage.appointments.childrenOf(group.id)).filter((a) => a.status === 'booked');
    if (booked.length === 0)
      return c.json({ error: 'Plus personne n’est inscrit à cette séance : annulez-la plutôt.' }, 422);
    // Each participant's hours are their own accompaniment's (SCHED7): the bilan cap is checked for each.
    const toHold: HeldChild[] = [];
    for (const appointment of booked) {
      const acc = (await storage.accompaniments.find(appointment.accompanimentId))!;
      const provider = (await storage.appointments.heldSessions(acc.id)).reduce(
        (n, s) => n + s.countedMinutes,
        0,
      );
      if (exceedsBilanCap(acc.kind, provider, minutes))
        return c.json(BILAN_CAP(appointment.learner?.name ?? acc.title), 422);
      toHold.push({ appointment, minutes, phase: currentPhase(acc) ?? appointment.phase });
    }
    if (
      !(await storage.appointments.markGroupHeld(group, toHold, {
        byUserId: session.user.id,
        reason: why,
        now,
      }))
    )
      return c.json({ error: 'Cette séance est déjà enregistrée comme tenue.' }, 409);
    for (const { appointment } of toHold)
      await audit(services, {
        actorId: session.user.id,
        action: 'appointment.held',
        targetType: 'appointment',
        targetId: appointment.id,
        summary: `Séance collective du ${iso(group.start)} tenue : ${minutes} min comptées.`,
        accompanimentId: appointment.accompanimentId,
      });
    return c.json(
      await groupSessionJson(
        storage,
        (await storage.appointments.findGroup(group.id))!,
        session.user,
        'coach',
      ),
      201,
    );
  });

  app.openapi(sign, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const params = c.req.valid('param');
    const found = await access(session.user, params.id, params.groupId);
    if ('error' in found) return c.json(found.error, 404);
    if (found.role !== 'coach') return c.json(COACH_ONLY, 403);
    const group = found.group!;
    const held: Appointment[] = (await storage.appointments.childrenOf(group.id)).filter(
      (a) => a.status === 'held',
    );
    if (group.status !== 'held' || held.length === 0)
      return c.json({ error: 'L’émargement est possible une fois la séance enregistrée comme tenue.' }, 422);
    const input = c.req.valid('json');
    const stored = signatureFor(input.method, input.signature);
    if (stored !== null && typeof stored === 'object') return c.json(stored, 422);
    const halfDay =
      input.halfDay ?? halfDayOf(group, (await storage.availabilities.get(group.coach.id)).timeZone);
    const receivedAt = clock.now();
    // One signature, carried on every participant's chain in one transaction (SCHED16).
    const signed = await storage.transaction(async () => {
      const records: { appointment: Appointment; seq: number }[] = [];
      for (const appointment of held) {
        const record = await storage.attendance.append({
          accompanimentId: appointment.accompanimentId,
          appointmentId: appointment.id,
          userId: session.user.id,
          role: 'coach',
          halfDay,
          method: input.method,
          signature: stored,
          deviceAt: Date.parse(input.deviceAt),
          receivedAt,
          correctsSeq: null,
          reason: null,
        });
        if (record !== 'already-signed') records.push({ appointment, seq: record.seq });
      }
      return records;
    });
    if (signed.length === 0)
      return c.json({ error: 'Vous avez déjà émargé pour cette demi-journée de la séance.' }, 409);
    for (const { appointment, seq } of signed)
      await audit(services, {
        actorId: session.user.id,
        action: 'attendance.signed',
        targetType: 'appointment',
        targetId: appointment.id,
        summary: `Émargement n° ${seq} (${halfDay === 'am' ? 'matin' : 'après-midi'}, séance collective, ${input.method === 'drawn' ? 'signature tracée' : 'présence confirmée'}).`,
        accompanimentId: appointment.accompanimentId,
      });
    return c.json({ signed: signed.length, halfDay, receivedAt: iso(receivedAt) }, 201);
  });

  return app;
}
