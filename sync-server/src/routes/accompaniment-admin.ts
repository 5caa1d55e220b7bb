// Administrative facts of an accompaniment (funder, contract dates, status) and its co-referents (REPORT1,
// REPORT2): what the reports count, kept apart from the documents.
import { createRoute, z } from '@hono/zod-openapi';
import { docNames } from '@compagnon/model';
import type { Context } from 'hono';
import { roleIn } from '../auth/access.ts';
import { isIsoDate } from '../scheduling/zoned.ts';
import {
  ACCOMPANIMENT_STATUSES,
  FUNDERS,
  withStatus,
  type Accompaniment,
  type AdminFacts,
} from '../storage/accompaniments.ts';
import type { User } from '../storage/users.ts';
import { audit } from './audit.ts';
import type { AppEnv, Services } from './context.ts';
import { reportsRouter } from './reports.ts';
import { errorResponse } from './schemas.ts';

const TAG = ['Suivi administratif'];
const END_REASON_MAX = 500;

const IdParam = z.object({
  id: z
    .string()
    .max(100)
    .openapi({ param: { name: 'id', in: 'path' }, example: '0b9f8c3e-5d0e-4a53-9d1b-6f0d2a1c7e42' }),
});
const CoReferentParams = IdParam.extend({
  coachId: z
    .string()
    .max(100)
    .openapi({ param: { name: 'coachId', in: 'path' } }),
});

const isoDate = z
  .string({ error: 'date attendue au format AAAA-MM-JJ' })
  .refine(isIsoDate, { error: 'date attendue au format AAAA-MM-JJ' })
  .openapi({ example: '2026-09-01' });

export const FunderSchema = z.enum(FUNDERS, {
  error: `financeur attendu parmi ${FUNDERS.join(', ')} (ou null)`,
});
export const AccompanimentStatusSchema = z.enum(ACCOMPANIMENT_STATUSES, {
  error: `statut attendu parmi ${ACCOMPANIMENT_STATUSES.join(', ')}`,
});

const AdminSchema = z
  .object({
    funder: FunderSchema.nullable(),
    startDate: z.string().nullable().openapi({ description: 'Début du contrat, AAAA-MM-JJ' }),
    endDate: z.string().nullable().openapi({ description: 'Fin prévue du contrat, AAAA-MM-JJ' }),
    status: AccompanimentStatusSchema,
    endedAt: z.string().nullable().openapi({ description: 'Fin effective (ISO 8601, UTC)' }),
    endReason: z.string().nullable(),
  })
  .openapi('AccompanimentAdmin');

const AdminPatchSchema = z
  .object({
    funder: FunderSchema.nullable().optional(),
    startDate: isoDate.nullable().optional(),
    endDate: isoDate.nullable().optional(),
    status: AccompanimentStatusSchema.optional(),
    endReason: z
      .string({ error: 'texte attendu' })
      .trim()
      .max(END_REASON_MAX, { error: `au plus ${END_REASON_MAX} caractères` })
      .nullable()
      .optional(),
  })
  .openapi('AccompanimentAdminPatch');

const PersonSchema = z.object({ id: z.string(), name: z.string() }).openapi('CoReferent');
const CoReferentsSchema = z.object({ coReferents: z.array(PersonSchema) }).openapi('CoReferents');
const AddCoReferentSchema = z
  .object({ coachId: z.string({ error: 'identifiant attendu' }).min(1).max(100) })
  .openapi('AddCoReferent');

const json = <T>(schema: T) => ({ content: { 'application/json': { schema } }, required: true });
const ok = <T>(description: string, schema: T) => ({
  description,
  content: { 'application/json': { schema } },
});

const getAdmin = createRoute({
  method: 'get',
  path: '/{id}/admin',
  tags: TAG,
  summary: 'Financeur, dates du contrat et statut (coach, co-référent·e ; lecture seule pour l’accompagné·e)',
  request: { params: IdParam },
  responses: {
    200: ok('Informations administratives', AdminSchema),
    401: errorResponse('Non connecté·e'),
    404: errorResponse('Introuvable'),
  },
});

const patchAdmin = createRoute({
  method: 'patch',
  path: '/{id}/admin',
  tags: TAG,
  summary: 'Changer le financeur, les dates ou le statut (coach ou co-référent·e)',
  description:
    'Terminer ou abandonner fixe `endedAt` (horloge du serveur) ; revenir à `active` l’efface. La clôture ' +
    'passe par la procédure de clôture, et un accompagnement clôturé ne change plus de statut.',
  request: { params: IdParam, body: json(AdminPatchSchema) },
  responses: {
    200: ok('Informations enregistrées', AdminSchema),
    400: errorResponse('Données invalides'),
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé à la personne qui accompagne'),
    404: errorResponse('Introuvable'),
    422: errorResponse('Dates incohérentes ou changement de statut impossible'),
  },
});

const listCoReferents = createRoute({
  method: 'get',
  path: '/{id}/co-referents',
  tags: TAG,
  summary: 'Les co-référent·es (coach, co-référent·es, accompagné·e, responsable de l’organisation)',
  request: { params: IdParam },
  responses: {
    200: ok('Co-référent·es', CoReferentsSchema),
    401: errorResponse('Non connecté·e'),
    404: errorResponse('Introuvable'),
  },
});

const addCoReferent = createRoute({
  method: 'post',
  path: '/{id}/co-referents',
  tags: TAG,
  summary: 'Ajouter une ou un co-référent·e de l’organisation (responsable de l’organisation)',
  request: { params: IdParam, body: json(AddCoReferentSchema) },
  responses: {
    201: ok('Ajouté·e : même accès que la personne qui accompagne', PersonSchema),
    400: errorResponse('Données invalides'),
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé à la ou au responsable de l’organisation'),
    404: errorResponse('Introuvable'),
    409: errorResponse('Déjà co-référent·e'),
    422: errorResponse('Personne hors de l’organisation, ou déjà la personne qui accompagne'),
  },
});

const removeCoReferent = createRoute({
  method: 'delete',
  path: '/{id}/co-referents/{coachId}',
  tags: TAG,
  summary: 'Retirer une ou un co-référent·e (responsable de l’organisation) ; ses connexions sont fermées',
  request: { params: CoReferentParams },
  responses: {
    204: { description: 'Retiré·e' },
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé à la ou au responsable de l’organisation'),
    404: errorResponse('Introuvable'),
  },
});

const UNAUTHENTICATED = { error: 'Non connecté·e.' };
const NOT_FOUND = { error: 'Accompagnement introuvable.' };
const MANAGER_ONLY = {
  error: 'Seule la ou le responsable de l’organisation peut désigner ou retirer des co-référent·es.',
};

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function adminJson(facts: AdminFacts) {
  return {
    funder: facts.funder,
    startDate: facts.startDate,
    endDate: facts.endDate,
    status: facts.status,
    endedAt: iso(facts.endedAt),
    endReason: facts.endReason,
  };
}

/** Administrative facts and co-referents (REPORT1, REPORT2), under /api/accompaniments. */
export function accompanimentAdminRoutes(services: Services) {
  const { storage, clock } = services;
  const app = reportsRouter();

  /** The accompaniment and the caller's part in it; null answers 404 (AUTH5). */
  async function access(c: Context<AppEnv>, id: string) {
    const session = c.get('session');
    const acc = session ? await storage.accompaniments.find(id) : null;
    if (!session || !acc) return null;
    return { user: session.user, acc, role: roleIn(session.user, acc) };
  }

  /** Whether `user` manages the organisation the accompaniment's coach belongs to. */
  async function managesCoachOf(user: User, acc: Accompaniment): Promise<boolean> {
    if (user.role !== 'coach') return false;
    const mine = await storage.organisations.membershipOf(user.id);
    if (!mine || mine.role !== 'manager') return false;
    return (await storage.organisations.membershipOf(acc.coach.id))?.organisation.id === mine.organisation.id;
  }

  app.openapi(getAdmin, async (c) => {
    if (!c.get('session')) return c.json(UNAUTHENTICATED, 401);
    const found = await access(c, c.req.valid('param').id);
    if (!found?.role) return c.json(NOT_FOUND, 404);
    return c.json(adminJson(found.acc), 200);
  });

  app.openapi(patchAdmin, async (c) => {
    if (!c.get('session')) return c.json(UNAUTHENTICATED, 401);
    const found = await access(c, c.req.valid('param').id);
    if (!found?.role) return c.json(NOT_FOUND, 404);
    if (found.role !== 'coach')
      return c.json(
        { error: 'Les informations administratives sont tenues par la personne qui accompagne.' },
        403,
      );
    const { acc } = found;
    const body = c.req.valid('json');
    let next: AdminFacts = {
      funder: body.funder === undefined ? acc.funder : body.funder,
      startDate: body.startDate === undefined ? acc.startDate : body.startDate,
      endDate: body.endDate === undefined ? acc.endDate : body.endDate,
      status: acc.status,
      outcome: acc.outcome,
      endedAt: acc.endedAt,
      endReason: acc.endReason,
    };
    if (next.startDate && next.endDate && next.endDate < next.startDate)
      return c.json({ error: 'La date de fin ne peut pas précéder la date de début.' }, 422);
    const endReason = body.endReason === undefined ? undefined : body.endReason || null;
    if (body.status !== undefined && body.status !== acc.status) {
      if (acc.status === 'closed')
        return c.json({ error: 'Cet accompagnement est clôturé : son statut ne change plus.' }, 422);
      if (body.status === 'closed')
        return c.json(
          {
            error:
              'La clôture passe par la procédure de clôture, avec l’accord écrit de la personne accompagnée.',
          },
          422,
        );
      next = withStatus(next, body.status, clock.now(), endReason);
    } else if (endReason !== undefined) {
      if (next.status === 'active')
        return c.json(
          { error: 'Un motif de fin ne s’indique que pour un accompagnement terminé ou abandonné.' },
          422,
        );
      next = { ...next, endReason };
    }
    await storage.accompaniments.setAdmin(acc.id, next);
    return c.json(adminJson(next), 200);
  });

  app.openapi(listCoReferents, async (c) => {
    if (!c.get('session')) return c.json(UNAUTHENTICATED, 401);
    const found = await access(c, c.req.valid('param').id);
    if (!found || (!found.role && !(await managesCoachOf(found.user, found.acc))))
      return c.json(NOT_FOUND, 404);
    return c.json({ coReferents: await storage.coReferents.list(found.acc.id) }, 200);
  });

  app.openapi(addCoReferent, async (c) => {
    if (!c.get('session')) return c.json(UNAUTHENTICATED, 401);
    const found = await access(c, c.req.valid('param').id);
    if (!found) return c.json(NOT_FOUND, 404);
    const { acc, user } = found;
    if (!(await managesCoachOf(user, acc)))
      return found.role ? c.json(MANAGER_ONLY, 403) : c.json(NOT_FOUND, 404);
    const { coachId } = c.req.valid('json');
    if (coachId === acc.coach.id)
      return c.json({ error: 'Cette personne accompagne déjà cet accompagnement.' }, 422);
    const coach = await storage.users.findById(coachId);
    const organisationId = (await storage.organisations.membershipOf(acc.coach.id))?.organisation.id;
    if (
      !coach ||
      coach.role !== 'coach' ||
      (await storage.organisations.membershipOf(coach.id))?.organisation.id !== organisationId
    )
      return c.json(
        {
          error: 'Cette personne ne fait pas partie de l’organisation : elle ne peut pas être co-référente.',
        },
        422,
      );
    if (!(await storage.coReferents.add(acc.id, coach.id, user.id, clock.now())))
      return c.json({ error: `${coach.name} est déjà co-référent·e de cet accompagnement.` }, 409);
    await audit(services, {
      actorId: user.id,
      action: 'co-referent.added',
      targetType: 'accompaniment',
      targetId: acc.id,
      summary: 'Co-référent·e ajouté·e à l’accompagnement.',
      accompanimentId: acc.id,
    });
    return c.json({ id: coach.id, name: coach.name }, 201);
  });

  app.openapi(removeCoReferent, async (c) => {
    if (!c.get('session')) return c.json(UNAUTHENTICATED, 401);
    const params = c.req.valid('param');
    const found = await access(c, params.id);
    if (!found) return c.json(NOT_FOUND, 404);
    const { acc, user } = found;
    if (!(await managesCoachOf(user, acc)))
      return found.role ? c.json(MANAGER_ONLY, 403) : c.json(NOT_FOUND, 404);
    if (!(await storage.coReferents.remove(acc.id, params.coachId)))
      return c.json({ error: 'Cette personne n’est pas co-référente de cet accompagnement.' }, 404);
    // Access is checked when a connection opens: the open ones are closed now, like WS4.
    const names = docNames(acc.id);
    services.sync?.closeUserConnections(params.coachId, [names.shared, names.private]);
    await audit(services, {
      actorId: user.id,
      action: 'co-referent.removed',
      targetType: 'accompaniment',
      targetId: acc.id,
      summary: 'Co-référent·e retiré·e de l’accompagnement.',
      accompanimentId: acc.id,
    });
    return c.body(null, 204);
  });

  return app;
}
