import {
  AdaptationError,
  StepNotFoundError,
  addStepTraced,
  changeStepStatus,
  docNames,
  initSharedDoc,
  listPhases,
  moveStepTraced,
  newId,
  pathwayProgress,
  postpone,
  pullForward,
  removeStepTraced,
  skipStep,
  splitStep,
  type AccompanimentId,
  type PhaseId,
  type Progress,
  type StepId,
} from '@compagnon/model';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import * as Y from 'yjs';
import { membershipIn, roleIn } from '../auth/access.ts';
import type { Accompaniment } from '../storage/accompaniments.ts';
import { normalizeEmail } from '../storage/users.ts';
import { ServerOrigin } from '../sync/hub.ts';
import type { AppEnv, Services } from './context.ts';
import { audit } from './audit.ts';
import { invitationCreatedJson, newInvitationLink } from './invitation-links.ts';
import { newRouter } from './router.ts';
import {
  AccompanimentSchema,
  AdaptationAppliedSchema,
  AdaptationRequestSchema,
  CreateAccompanimentSchema,
  InvitationCreatedSchema,
  InviteSchema,
  OkSchema,
  StepStatusRequestSchema,
  TimelineEntrySchema,
  errorResponse,
} from './schemas.ts';

/** A bilan de compétences is capped at 24 hours with the provider (Code du travail, R6313-4). */
export const BILAN_MAX_HOURS = 24;
const DAY_MS = 24 * 3600_000;
const NO_PROGRESS: Progress = { stepsTotal: 0, stepsDone: 0, byPhase: [] };

/**
 * Whether the learner shows as inactive (PATH5): they exist and have not changed the shared document for
 * `inactivityDays` days, counted from their last contribution or, when none, from their joining.
 */
export function isInactive(acc: Accompaniment, now: number): boolean {
  if (!acc.learner) return false;
  const since = acc.lastLearnerActivityAt ?? acc.learnerJoinedAt ?? acc.createdAt;
  return now - since >= acc.inactivityDays * DAY_MS;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function accompanimentJson(acc: Accompaniment, role: 'coach' | 'learner', now: number) {
  const names = docNames(acc.id);
  return {
    id: acc.id,
    title: acc.title,
    kind: acc.kind,
    hoursBudget: acc.hoursBudget,
    sharedDoc: names.shared,
    // The learner never gets the private document, not even its name (AUTH4).
    privateDoc: role === 'coach' ? names.private : null,
    role,
    coach: acc.coach,
    learner: acc.learner,
    createdAt: new Date(acc.createdAt).toISOString(),
    progress: acc.progress ?? NO_PROGRESS,
    adaptations: acc.adaptationsCount,
    lastLearnerActivityAt: iso(acc.lastLearnerActivityAt),
    inactive: isInactive(acc, now),
    inactivityDays: acc.inactivityDays,
  };
}

const IdParam = z.object({
  id: z
    .string()
    .max(100)
    .openapi({ param: { name: 'id', in: 'path' }, example: '0b9f8c3e-5d0e-4a53-9d1b-6f0d2a1c7e42' }),
});

const StepParams = IdParam.extend({
  stepId: z
    .string()
    .max(100)
    .openapi({ param: { name: 'stepId', in: 'path' } }),
});

const jsonBody = <T>(schema: T) => ({ content: { 'application/json': { schema } }, required: true });
const ok = <T>(description: string, schema: T) => ({
  description,
  content: { 'application/json': { schema } },
});

const create = createRoute({
  method: 'post',
  path: '/',
  tags: ['Accompagnements'],
  summary:
    'Créer un accompagnement (coach) ; son document partagé est initialisé à partir d’un modèle de parcours',
  request: { body: jsonBody(CreateAccompanimentSchema) },
  responses: {
    201: ok('Accompagnement créé', AccompanimentSchema),
    400: errorResponse('Données invalides'),
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé aux personnes qui accompagnent'),
    422: errorResponse('Règle métier non respectée (bilan de compétences limité à 24 h)'),
  },
});

const list = createRoute({
  method: 'get',
  path: '/',
  tags: ['Accompagnements'],
  summary: 'Les accompagnements visibles : les siens (coach) ou celui dont on bénéficie (accompagné·e)',
  responses: {
    200: ok('Liste, du plus récent au plus ancien', z.array(AccompanimentSchema)),
    401: errorResponse('Non connecté·e'),
  },
});

const getOne = createRoute({
  method: 'get',
  path: '/{id}',
  tags: ['Accompagnements'],
  summary: 'Un accompagnement (404 s’il n’est pas visible)',
  request: { params: IdParam },
  responses: {
    200: ok('Accompagnement', AccompanimentSchema),
    401: errorResponse('Non connecté·e'),
    404: errorResponse('Introuvable'),
  },
});

const invite = createRoute({
  method: 'post',
  path: '/{id}/invitations',
  tags: ['Invitations'],
  summary: 'Inviter la personne accompagnée (coach de l’accompagnement)',
  request: { params: IdParam, body: jsonBody(InviteSchema) },
  responses: {
    201: ok('Invitation créée (valable 14 jours, un seul usage)', InvitationCreatedSchema),
    400: errorResponse('Données invalides'),
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Seul·e la ou le coach de l’accompagnement peut inviter'),
    404: errorResponse('Introuvable'),
    409: errorResponse('L’accompagnement a déjà sa personne accompagnée'),
  },
});

const timeline = createRoute({
  method: 'get',
  path: '/{id}/timeline',
  tags: ['Parcours'],
  summary: 'Le journal des adaptations du parcours, du plus récent au plus ancien, avec l’auteur authentifié',
  request: { params: IdParam },
  responses: {
    200: ok('Journal', z.array(TimelineEntrySchema)),
    401: errorResponse('Non connecté·e'),
    404: errorResponse('Introuvable'),
  },
});

const adapt = createRoute({
  method: 'post',
  path: '/{id}/adaptations',
  tags: ['Parcours'],
  summary:
    'Adapter le parcours (avancer, reporter, passer, ajouter, déplacer, découper, retirer une étape) ; tracé',
  description:
    'Appliqué au document partagé en direct : stocké puis transmis aux personnes connectées. ' +
    'Une erreur ne change rien.',
  request: { params: IdParam, body: jsonBody(AdaptationRequestSchema) },
  responses: {
    201: ok('Adaptation appliquée et tracée', AdaptationAppliedSchema),
    400: errorResponse('Données invalides'),
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé à la personne qui accompagne'),
    404: errorResponse('Accompagnement, étape ou phase introuvable'),
    422: errorResponse('Règle du parcours non respectée (raison obligatoire…)'),
    503: errorResponse('Synchronisation indisponible'),
  },
});

const stepStatus = createRoute({
  method: 'post',
  path: '/{id}/steps/{stepId}/status',
  tags: ['Parcours'],
  summary: 'Changer le statut d’une étape (pas de validation à l’aveugle)',
  description:
    'La personne accompagnée ne peut pas terminer une étape dont la contribution attendue manque (422). ' +
    '`skipped` exige une raison et est réservé à la personne qui accompagne.',
  request: { params: StepParams, body: jsonBody(StepStatusRequestSchema) },
  responses: {
    200: ok('Statut changé', OkSchema),
    400: errorResponse('Données invalides'),
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé à la personne qui accompagne'),
    404: errorResponse('Accompagnement ou étape introuvable'),
    422: errorResponse('Contribution attendue manquante, ou raison manquante'),
    503: errorResponse('Synchronisation indisponible'),
  },
});

class PhaseNotFoundError extends Error {
  constructor() {
    super('Phase introuvable.');
    this.name = 'PhaseNotFoundError';
  }
}

const ADAPTATION_STATUS = {
  forbidden: 403,
  'reason-required': 422,
  'expectation-unmet': 422,
  invalid: 422,
} as const;

/** The answer for a refused change: the model's French message with the status of its kind. */
function refusal(error: unknown): { status: 403 | 404 | 422; body: { error: string } } | null {
  if (error instanceof StepNotFoundError) return { status: 404, body: { error: 'Étape introuvable.' } };
  if (error instanceof PhaseNotFoundError) return { status: 404, body: { error: error.message } };
  if (error instanceof AdaptationError)
    return { status: ADAPTATION_STATUS[error.code] ?? 422, body: { error: error.message } };
  return null;
}

const UNAVAILABLE = { error: 'La synchronisation n’est pas disponible sur ce serveur.' };

const UNAUTHENTICATED = { error: 'Non connecté·e.' };
const NOT_FOUND = { error: 'Accompagnement introuvable.' };

export function accompanimentRoutes(services: Services) {
  const { storage, mailer, publicUrl, clock } = services;
  const app = newRouter();

  /** The accompaniment and the caller's part in it, or null (404 for strangers, AUTH5). */
  async function membership(c: Context<AppEnv>, id: string) {
    const session = c.get('session');
    return session ? membershipIn(storage, session.user, id) : null;
  }

  app.openapi(create, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    if (session.user.role !== 'coach')
      return c.json({ error: 'Seule une personne qui accompagne peut créer un accompagnement.' }, 403);
    const body = c.req.valid('json');
    if (body.kind === 'bilan' && body.hoursBudget > BILAN_MAX_HOURS)
      return c.json(
        {
          error: `Un bilan de compétences ne peut pas dépasser ${BILAN_MAX_HOURS} heures avec le prestataire (Code du travail, art. R6313-4).`,
        },
        422,
      );
    const id = newId<'AccompanimentId'>() as AccompanimentId;
    const doc = new Y.Doc();
    const meta = { title: body.title, kind: body.kind, hoursBudget: body.hoursBudget };
    initSharedDoc(doc, meta, body.template ?? 'blank');
    const initial = Y.encodeStateAsUpdate(doc);
    const progress = pathwayProgress(doc);
    doc.destroy();
    const now = clock.now();
    // The row (with its first projections) and the initial state of its shared document are written
    // together (PERSIST4).
    await storage.transaction(async () => {
      await storage.accompaniments.create({ id, ...meta, coachId: session.user.id, progress, now });
      await storage.docs.append(docNames(id).shared, initial);
    });
    const acc = await storage.accompaniments.find(id);
    if (!acc) throw new Error('accompagnement créé introuvable');
    await audit(services, {
      actorId: session.user.id,
      action: 'accompaniment.created',
      targetType: 'accompaniment',
      targetId: id,
      summary: `Accompagnement créé (${body.kind}, ${body.hoursBudget} h prévues).`,
      accompanimentId: id,
    });
    return c.json(accompanimentJson(acc, 'coach', now), 201);
  });

  app.openapi(list, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const { user } = session;
    const now = clock.now();
    const items =
      user.role === 'coach'
        ? (await storage.accompaniments.listForCoach(user.id)).map((a) => accompanimentJson(a, 'coach', now))
        : (await storage.accompaniments.listForLearner(user.id)).map((a) =>
            accompanimentJson(a, 'learner', now),
          );
    return c.json(items, 200);
  });

  app.openapi(getOne, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const acc = await storage.accompaniments.find(c.req.valid('param').id);
    const role = acc ? roleIn(session.user, acc) : null;
    // Someone else's accompaniment is answered exactly like a missing one (AUTH5).
    if (!acc || !role) return c.json(NOT_FOUND, 404);
    return c.json(accompanimentJson(acc, role, clock.now()), 200);
  });

  app.openapi(timeline, async (c) => {
    if (!c.get('session')) return c.json(UNAUTHENTICATED, 401);
    const member = await membership(c, c.req.valid('param').id);
    if (!member) return c.json(NOT_FOUND, 404);
    const entries = (await storage.adaptations.timeline(member.acc.id)).map((e) => ({
      id: e.id,
      at: new Date(e.at).toISOString(),
      receivedAt: new Date(e.receivedAt).toISOString(),
      by: e.by,
      verified: e.byUserId !== null,
      kind: e.kind,
      step: { id: e.stepId, title: e.stepTitle },
      reason: e.reason,
    }));
    return c.json(entries, 200);
  });

  app.openapi(adapt, async (c) => {
    if (!c.get('session')) return c.json(UNAUTHENTICATED, 401);
    const member = await membership(c, c.req.valid('param').id);
    if (!member) return c.json(NOT_FOUND, 404);
    const { sync } = services;
    if (!sync) return c.json(UNAVAILABLE, 503);
    const body = c.req.valid('json');
    const { actor } = member;
    const opts = { reason: body.reason ?? null, now: clock.now() };
    const stepId = (body.stepId ?? '') as StepId;
    const requirePhase = (doc: Y.Doc, phaseId: string | undefined): PhaseId => {
      if (!phaseId || !listPhases(doc).some((p) => p.id === phaseId)) throw new PhaseNotFoundError();
      return phaseId as PhaseId;
    };
    try {
      const result = await sync.change(
        docNames(member.acc.id).shared,
        new ServerOrigin(member.user.id),
        (doc) => {
          switch (body.kind) {
            case 'pulled-forward':
              pullForward(doc, stepId, actor, opts);
              return { stepId };
            case 'postponed':
              postpone(doc, stepId, actor, opts);
              return { stepId };
            case 'skipped':
              skipStep(doc, stepId, actor, opts);
              return { stepId };
            case 'removed':
              removeStepTraced(doc, stepId, actor, opts);
              return { stepId };
            case 'moved': {
              const phaseId = requirePhase(doc, body.phaseId);
              moveStepTraced(
                doc,
                stepId,
                { phaseId, index: body.index ?? Number.MAX_SAFE_INTEGER },
                actor,
                opts,
              );
              return { stepId };
            }
            case 'split':
              return { stepId, stepIds: splitStep(doc, stepId, body.titles ?? [], actor, opts) };
            case 'added': {
              const phaseId = requirePhase(doc, body.phaseId);
              const added = addStepTraced(
                doc,
                {
                  phaseId,
                  title: body.title ?? '',
                  ...(body.index !== undefined ? { index: body.index } : {}),
                  ...(body.expected ? { expected: body.expected } : {}),
                },
                actor,
                opts,
              );
              return { stepId: added };
            }
          }
        },
      );
      return c.json({ ok: true as const, ...result }, 201);
    } catch (error) {
      const refused = refusal(error);
      if (!refused) throw error;
      return c.json(refused.body, refused.status);
    }
  });

  app.openapi(stepStatus, async (c) => {
    if (!c.get('session')) return c.json(UNAUTHENTICATED, 401);
    const params = c.req.valid('param');
    const member = await membership(c, params.id);
    if (!member) return c.json(NOT_FOUND, 404);
    const { sync } = services;
    if (!sync) return c.json(UNAVAILABLE, 503);
    const body = c.req.valid('json');
    try {
      await sync.change(docNames(member.acc.id).shared, new ServerOrigin(member.user.id), (doc) =>
        changeStepStatus(doc, params.stepId as StepId, body.status, member.actor, {
          reason: body.reason ?? null,
          now: clock.now(),
        }),
      );
      return c.json({ ok: true as const }, 200);
    } catch (error) {
      const refused = refusal(error);
      if (!refused) throw error;
      return c.json(refused.body, refused.status);
    }
  });

  app.openapi(invite, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const acc = await storage.accompaniments.find(c.req.valid('param').id);
    const role = acc ? roleIn(session.user, acc) : null;
    if (!acc || !role) return c.json(NOT_FOUND, 404);
    if (role !== 'coach')
      return c.json({ error: 'Seule la personne qui accompagne peut envoyer une invitation.' }, 403);
    if (acc.learner) return c.json({ error: 'Cet accompagnement a déjà sa personne accompagnée.' }, 409);
    const email = normalizeEmail(c.req.valid('json').email);
    const link = newInvitationLink(c, publicUrl, '/invitation');
    await storage.transaction(async () => {
      // A new invitation replaces the pending ones (a corrected address, a lost e-mail).
      await storage.invitations.revokePending(acc.id, link.createdAt);
      await storage.invitations.create({
        tokenHash: link.tokenHash,
        accompanimentId: acc.id,
        email,
        createdBy: session.user.id,
        createdAt: link.createdAt,
        expiresAt: link.expiresAt,
      });
    });
    const emailSent = mailer
      ? await mailer.sendInvitation({
          to: email,
          coachName: acc.coach.name,
          accompanimentTitle: acc.title,
          url: link.url,
          expiresAt: link.expiresAt,
        })
      : false;
    await audit(services, {
      actorId: session.user.id,
      action: 'invitation.sent',
      targetType: 'accompaniment',
      targetId: acc.id,
      summary: `Invitation de la personne accompagnée ${emailSent ? 'envoyée par e-mail' : 'créée (lien)'}.`,
      accompanimentId: acc.id,
    });
    return c.json(invitationCreatedJson(link, email, emailSent), 201);
  });

  return app;
}
