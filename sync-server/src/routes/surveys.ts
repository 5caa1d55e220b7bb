// Satisfaction surveys (SURVEY, Qualiopi indicator 30): the learner's pending questionnaires and their one
// answer, the coach's manual send, and the organisation's aggregated results (manager only, unattributed).
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { membershipIn } from '../auth/access.ts';
import { FUNDERS, type Funder } from '../storage/accompaniments.ts';
import type { Survey } from '../storage/surveys.ts';
import { DAY_MS, SURVEY_OPEN_DAYS } from '../surveys/job.ts';
import {
  QUESTIONNAIRE_VERSION,
  QUESTIONS,
  SURVEY_KINDS,
  SURVEY_KIND_LABELS,
  aggregate,
  isSurveyKind,
  validateAnswers,
  type SurveyKind,
} from '../surveys/questionnaire.ts';
import { addDays, fromLocal, isIsoDate } from '../scheduling/zoned.ts';
import type { AppEnv, Services } from './context.ts';
import { newRouter } from './router.ts';
import { errorResponse, validationError } from './schemas.ts';

const TAG = ['Questionnaires de satisfaction'];
const PARIS = 'Europe/Paris';

const pathId = z
  .string()
  .max(100)
  .openapi({ param: { name: 'id', in: 'path' }, example: '0b9f8c3e-5d0e-4a53-9d1b-6f0d2a1c7e42' });
const IdParam = z.object({ id: pathId });

const SurveySummarySchema = z
  .object({
    id: z.string(),
    accompanimentId: z.string(),
    accompanimentTitle: z.string(),
    kind: z
      .enum(SURVEY_KINDS)
      .openapi({ description: 'end : fin d’accompagnement ; follow-up : suivi à distance' }),
    sentAt: z.string().openapi({ example: '2027-03-01T09:00:00.000Z' }),
    dueAt: z.string().openapi({ description: 'Le questionnaire est ouvert jusqu’à cette date' }),
  })
  .openapi('SurveySummary');

const QuestionSchema = z
  .object({
    id: z.string(),
    type: z.enum(['scale', 'yes-no', 'text']),
    label: z.string(),
    required: z.boolean(),
    min: z.number().int().optional(),
    max: z.number().int().optional(),
    minLabel: z.string().optional(),
    maxLabel: z.string().optional(),
    maxLength: z.number().int().optional(),
  })
  .openapi('SurveyQuestion');

const SurveyDetailSchema = SurveySummarySchema.extend({
  status: z.enum(['open', 'answered', 'closed']),
  answeredAt: z.string().nullable(),
  mailedAt: z.string().nullable().openapi({ description: 'Premier e-mail envoyé (null : pas encore)' }),
  reminders: z.number().int().openapi({ description: 'Relances envoyées (au plus 2)' }),
  questions: z.array(QuestionSchema),
}).openapi('Survey');

// Loose on purpose: every value is checked by validateAnswers, whose refusals are 422 with a French message.
const AnswerInputSchema = z
  .object({
    answers: z.record(z.string(), z.unknown()).openapi({
      example: { satisfaction: 5, objectives: 4, listening: 5, recommend: true, comment: 'Merci !' },
    }),
  })
  .openapi('SurveyAnswerInput');

const SendInputSchema = z
  .object({
    kind: z.enum(SURVEY_KINDS, { error: 'type de questionnaire attendu : end ou follow-up' }),
  })
  .openapi('SurveySend');

const DistributionSchema = z.object({
  value: z.union([z.number().int(), z.enum(['yes', 'no'])]),
  count: z.number().int(),
});

const SatisfactionSchema = z
  .object({
    period: z.object({ from: z.string().nullable(), to: z.string().nullable() }),
    sent: z.number().int().openapi({ description: 'Questionnaires envoyés dans la période' }),
    responses: z.number().int().openapi({ description: 'Parmi eux, ceux qui ont reçu une réponse' }),
    responseRate: z.number().openapi({ description: 'responses / sent (0 à 1 ; 0 sans envoi)' }),
    questions: z.array(
      z.object({
        id: z.string(),
        label: z.string(),
        type: z.enum(['scale', 'yes-no', 'text']),
        answered: z.number().int(),
        average: z.number().nullable().openapi({
          description: 'scale : moyenne de 1 à 5 ; yes-no : part de « oui » (0 à 1) ; text : null',
        }),
        distribution: z.array(DistributionSchema),
      }),
    ),
    comments: z
      .array(
        z.object({
          at: z.string().openapi({ description: 'Le jour de la réponse (UTC)' }),
          text: z.string(),
        }),
      )
      .openapi({ description: 'Commentaires, sans auteur ni accompagnement' }),
  })
  .openapi('Satisfaction');

const SatisfactionQuery = z.object({
  from: z.string().max(40).optional().openapi({ description: 'AAAA-MM-JJ (jour de Paris) ou date ISO 8601' }),
  to: z.string().max(40).optional().openapi({ description: 'AAAA-MM-JJ inclus, ou date ISO 8601 exclue' }),
  coachId: z.string().max(100).optional(),
  kind: z.string().max(20).optional().openapi({ description: 'end ou follow-up' }),
  funder: z
    .string()
    .max(40)
    .optional()
    .openapi({ description: FUNDERS.join(', ') }),
});

const ok = <T>(description: string, schema: T) => ({
  description,
  content: { 'application/json': { schema } },
});
const json = <T>(schema: T) => ({ content: { 'application/json': { schema } }, required: true });

const pending = createRoute({
  method: 'get',
  path: '/surveys/pending',
  tags: TAG,
  summary: 'Les questionnaires à remplir de la personne connectée (accompagné·e)',
  responses: {
    200: ok('Questionnaires ouverts et sans réponse', z.object({ surveys: z.array(SurveySummarySchema) })),
    401: errorResponse('Non connecté·e'),
  },
});

const getOne = createRoute({
  method: 'get',
  path: '/surveys/{id}',
  tags: TAG,
  summary:
    'Un questionnaire et ses questions (son accompagné·e ; la personne qui accompagne : l’état seulement)',
  request: { params: IdParam },
  responses: {
    200: ok('Questionnaire', SurveyDetailSchema),
    401: errorResponse('Non connecté·e'),
    404: errorResponse('Introuvable'),
  },
});

const answer = createRoute({
  method: 'post',
  path: '/surveys/{id}/answers',
  tags: TAG,
  summary: 'Répondre au questionnaire (une seule fois)',
  request: { params: IdParam, body: json(AnswerInputSchema) },
  responses: {
    201: ok('Réponse enregistrée', z.object({ answeredAt: z.string() })),
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé à la personne accompagnée'),
    404: errorResponse('Introuvable'),
    409: errorResponse('Déjà répondu'),
    410: errorResponse('Questionnaire clos'),
    422: errorResponse('Réponses incomplètes ou invalides'),
  },
});

const send = createRoute({
  method: 'post',
  path: '/accompaniments/{id}/surveys',
  tags: TAG,
  summary: 'Envoyer un questionnaire à la personne accompagnée (coach)',
  request: { params: IdParam, body: json(SendInputSchema) },
  responses: {
    201: ok('Questionnaire créé ; l’e-mail part au prochain passage (hors 20 h – 8 h)', SurveyDetailSchema),
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé à la personne qui accompagne'),
    404: errorResponse('Accompagnement introuvable'),
    409: errorResponse('Un questionnaire de ce type a déjà été envoyé'),
    422: errorResponse('Type inconnu, ou pas encore de personne accompagnée'),
  },
});

const listForAccompaniment = createRoute({
  method: 'get',
  path: '/accompaniments/{id}/surveys',
  tags: TAG,
  summary:
    'Les questionnaires d’un accompagnement et leur état (coach et accompagné·e ; jamais les réponses)',
  request: { params: IdParam },
  responses: {
    200: ok('Questionnaires', z.object({ surveys: z.array(SurveyDetailSchema) })),
    401: errorResponse('Non connecté·e'),
    404: errorResponse('Accompagnement introuvable'),
  },
});

const satisfaction = createRoute({
  method: 'get',
  path: '/reports/satisfaction',
  tags: TAG,
  summary: 'Résultats de satisfaction de l’organisation (responsable ; Qualiopi, indicateur 30)',
  request: { query: SatisfactionQuery },
  responses: {
    200: ok('Résultats agrégés, commentaires sans auteur', SatisfactionSchema),
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé à la ou au responsable de l’organisation'),
    422: errorResponse('Filtre refusé'),
  },
});

const UNAUTHENTICATED = { error: 'Non connecté·e.' };
const SURVEY_NOT_FOUND = { error: 'Questionnaire introuvable.' };
const ACC_NOT_FOUND = { error: 'Accompagnement introuvable.' };
const MANAGER_ONLY = {
  error: 'Les résultats de satisfaction sont réservés à la ou au responsable de l’organisation.',
};

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const dateFr = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: PARIS });

function summaryJson(s: Survey) {
  return {
    id: s.id,
    accompanimentId: s.accompanimentId,
    accompanimentTitle: s.accompanimentTitle,
    kind: s.kind,
    sentAt: new Date(s.sentAt).toISOString(),
    dueAt: new Date(s.dueAt).toISOString(),
  };
}

const questionsJson = () =>
  QUESTIONS.map((q) => ({
    id: q.id,
    type: q.type,
    label: q.label,
    required: q.required,
    ...(q.type === 'scale' ? { min: 1, max: 5, minLabel: q.minLabel, maxLabel: q.maxLabel } : {}),
    ...(q.maxLength ? { maxLength: q.maxLength } : {}),
  }));

function detailJson(s: Survey, now: number) {
  return {
    ...summaryJson(s),
    status:
      s.answeredAt !== null
        ? ('answered' as const)
        : s.dueAt <= now
          ? ('closed' as const)
          : ('open' as const),
    answeredAt: iso(s.answeredAt),
    mailedAt: iso(s.mailedAt),
    reminders: s.reminders,
    questions: questionsJson(),
  };
}

/**
 * A period bound: a date (`AAAA-MM-JJ`, a day in Paris; `to` includes it) or an ISO instant. Null when
 * absent; a French message when unreadable.
 */
function bound(value: string | undefined, end: boolean): number | null | { error: string } {
  if (value === undefined || value === '') return null;
  // The whole day in Paris (23 or 25 hours on a daylight-saving change).
  if (isIsoDate(value)) return fromLocal(end ? addDays(value, 1) : value, 0, PARIS);
  if (/^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value))) return Date.parse(value);
  return {
    error: `${end ? 'Fin' : 'Début'} de période illisible : AAAA-MM-JJ ou date ISO 8601 attendue (par exemple 2027-01-31).`,
  };
}

/** The survey routes (SURVEY4–SURVEY7); their paths span /surveys, /accompaniments/:id/surveys and /reports. */
export function surveyRoutes(services: Services) {
  const { storage, clock } = services;
  const app = newRouter();

  const signedIn = (c: Context<AppEnv>) => c.get('session')?.user ?? null;

  app.openapi(pending, async (c) => {
    const user = signedIn(c);
    if (!user) return c.json(UNAUTHENTICATED, 401);
    return c.json(
      { surveys: (await storage.surveys.pendingFor(user.id, clock.now())).map(summaryJson) },
      200,
    );
  });

  app.openapi(getOne, async (c) => {
    const user = signedIn(c);
    if (!user) return c.json(UNAUTHENTICATED, 401);
    const survey = await storage.surveys.find(c.req.valid('param').id);
    // Its learner, or whoever coaches the accompaniment; anyone else cannot tell it exists.
    const member = survey ? await membershipIn(storage, user, survey.accompanimentId) : null;
    if (!survey || !member || (member.role === 'learner' && survey.learnerId !== user.id))
      return c.json(SURVEY_NOT_FOUND, 404);
    return c.json(detailJson(survey, clock.now()), 200);
  });

  app.openapi(
    answer,
    async (c) => {
      const user = signedIn(c);
      if (!user) return c.json(UNAUTHENTICATED, 401);
      const survey = await storage.surveys.find(c.req.valid('param').id);
      const member = survey ? await membershipIn(storage, user, survey.accompanimentId) : null;
      if (!survey || !member || (member.role === 'learner' && survey.learnerId !== user.id))
        return c.json(SURVEY_NOT_FOUND, 404);
      if (survey.learnerId !== user.id)
        return c.json({ error: 'Seule la personne accompagnée répond à ce questionnaire.' }, 403);
      if (survey.answeredAt !== null)
        return c.json({ error: 'Vous avez déjà répondu à ce questionnaire : merci !' }, 409);
      const now = clock.now();
      if (survey.dueAt <= now)
        return c.json(
          { error: `Ce questionnaire est clos depuis le ${dateFr.format(new Date(survey.dueAt))}.` },
          410,
        );
      const checked = validateAnswers(c.req.valid('json').answers);
      if (!checked.ok) return c.json({ error: checked.error, details: checked.details }, 422);
      // Two answers sent at once: the guarded update lets exactly one in.
      if (!(await storage.surveys.answer(survey.id, checked.answers, QUESTIONNAIRE_VERSION, now)))
        return c.json({ error: 'Vous avez déjà répondu à ce questionnaire : merci !' }, 409);
      return c.json({ answeredAt: new Date(now).toISOString() }, 201);
    },
    (result, c) => {
      if (!result.success) {
        const body = validationError(result.error.issues);
        return c.json({ ...body, error: body.error.replace('Requête invalide', 'Réponses invalides') }, 422);
      }
    },
  );

  app.openapi(
    send,
    async (c) => {
      const user = signedIn(c);
      if (!user) return c.json(UNAUTHENTICATED, 401);
      const member = await membershipIn(storage, user, c.req.valid('param').id);
      if (!member) return c.json(ACC_NOT_FOUND, 404);
      if (member.role !== 'coach')
        return c.json({ error: 'Seule la personne qui accompagne envoie les questionnaires.' }, 403);
      const learner = member.acc.learner;
      if (!learner)
        return c.json(
          {
            error:
              'Personne n’a encore rejoint cet accompagnement : le questionnaire n’aurait pas de destinataire.',
          },
          422,
        );
      const kind: SurveyKind = c.req.valid('json').kind;
      const now = clock.now();
      const id = globalThis.crypto.randomUUID();
      const created = await storage.surveys.create({
        id,
        accompanimentId: member.acc.id,
        learnerId: learner.id,
        kind,
        createdBy: user.id,
        sentAt: now,
        dueAt: now + SURVEY_OPEN_DAYS * DAY_MS,
      });
      if (!created)
        return c.json(
          {
            error: `Le questionnaire de ${SURVEY_KIND_LABELS[kind]} a déjà été envoyé pour cet accompagnement.`,
          },
          409,
        );
      const survey = await storage.surveys.find(id);
      if (!survey) return c.json(ACC_NOT_FOUND, 404);
      return c.json(detailJson(survey, now), 201);
    },
    (result, c) => {
      if (!result.success) return c.json(validationError(result.error.issues), 422);
    },
  );

  app.openapi(listForAccompaniment, async (c) => {
    const user = signedIn(c);
    if (!user) return c.json(UNAUTHENTICATED, 401);
    const member = await membershipIn(storage, user, c.req.valid('param').id);
    if (!member) return c.json(ACC_NOT_FOUND, 404);
    const now = clock.now();
    const surveys = (await storage.surveys.listForAccompaniment(member.acc.id))
      .filter((s) => member.role === 'coach' || s.learnerId === user.id)
      .map((s) => detailJson(s, now));
    return c.json({ surveys }, 200);
  });

  app.openapi(
    satisfaction,
    async (c) => {
      const user = signedIn(c);
      if (!user) return c.json(UNAUTHENTICATED, 401);
      const membership = user.role === 'coach' ? await storage.organisations.membershipOf(user.id) : null;
      if (!membership || membership.role !== 'manager') return c.json(MANAGER_ONLY, 403);
      const query = c.req.valid('query');
      const from = bound(query.from, false);
      const to = bound(query.to, true);
      if (from !== null && typeof from === 'object') return c.json(from, 422);
      if (to !== null && typeof to === 'object') return c.json(to, 422);
      if (from !== null && to !== null && to <= from)
        return c.json({ error: 'La fin de la période doit être après son début.' }, 422);
      if (query.kind !== undefined && !isSurveyKind(query.kind))
        return c.json({ error: 'Type de questionnaire inconnu (attendu : end ou follow-up).' }, 422);
      if (query.funder !== undefined && !(FUNDERS as readonly string[]).includes(query.funder))
        return c.json({ error: `Financeur inconnu (attendu : ${FUNDERS.join(', ')}).` }, 422);
      const organisationId = membership.organisation.id;
      if (
        query.coachId !== undefined &&
        !(await storage.organisations.members(organisationId)).some((m) => m.id === query.coachId)
      )
        return c.json({ error: 'Cette personne ne fait pas partie de l’organisation.' }, 422);

      const rows = await storage.surveys.responses({
        organisationId,
        from,
        to,
        coachId: query.coachId,
        kind: query.kind as SurveyKind | undefined,
        funder: query.funder as Funder | undefined,
      });
      const answered = rows.filter((r) => r.answers !== null);
      const answers = answered.map((r) => r.answers ?? {});
      // Unattributed: the day only, newest first, then by text — nothing orders them by person.
      const comments = answered
        .flatMap((r) => {
          const text = r.answers?.['comment'];
          if (typeof text !== 'string' || text.trim() === '' || r.answeredAt === null) return [];
          const day = new Date(r.answeredAt).toISOString().slice(0, 10);
          return [{ at: `${day}T00:00:00.000Z`, text: text.trim() }];
        })
        .sort((a, b) => (a.at === b.at ? a.text.localeCompare(b.text, 'fr') : a.at < b.at ? 1 : -1));
      return c.json(
        {
          period: { from: iso(from), to: iso(to) },
          sent: rows.length,
          responses: answered.length,
          responseRate: rows.length ? Math.round((answered.length / rows.length) * 1000) / 1000 : 0,
          questions: aggregate(answers),
          comments,
        },
        200,
      );
    },
    (result, c) => {
      if (!result.success) return c.json(validationError(result.error.issues), 422);
    },
  );

  return app;
}
