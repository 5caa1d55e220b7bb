// Group workshops (ateliers collectifs, WS1–WS7): the workshop row, its participants and the poll votes. The
// board, polls' definitions, prompts, document and thread travel in the `<id>.workshop` document.
import {
  WORKSHOP_TITLE_MAX,
  bumpPollRevision,
  initWorkshopDoc,
  listPolls,
  newId,
  workshopAnswersDocName,
  workshopDocNames,
  type Doc,
  type PollDefinition,
  type UserId,
  type WorkshopId,
} from '@compagnon/model';
import { createRoute, z } from '@hono/zod-openapi';
import * as Y from 'yjs';
import { workshopRoleIn } from '../auth/access.ts';
import { withDoc } from '../evidence/documents.ts';
import type { Workshop } from '../storage/workshops.ts';
import { ServerOrigin } from '../sync/hub.ts';
import type { Services } from './context.ts';
import { groupSessionRoutes } from './group-sessions.ts';
import { newRouter } from './router.ts';
import { currentPhase } from './scheduling-shared.ts';
import { errorResponse } from './schemas.ts';

const pathParam = (name: string) =>
  z
    .string()
    .max(100)
    .openapi({ param: { name, in: 'path' }, example: '0b9f8c3e-5d0e-4a53-9d1b-6f0d2a1c7e42' });

const IdParam = z.object({ id: pathParam('id') });
const ParticipantParams = z.object({ id: pathParam('id'), userId: pathParam('userId') });
const PollParams = z.object({ id: pathParam('id'), pollId: pathParam('pollId') });

const CreateWorkshopSchema = z
  .object({
    title: z
      .string({ error: 'titre attendu' })
      .trim()
      .min(1, { error: 'le titre ne peut pas être vide' })
      .max(WORKSHOP_TITLE_MAX, { error: `au plus ${WORKSHOP_TITLE_MAX} caractères` })
      .openapi({ example: 'Atelier CV — mars' }),
  })
  .openapi('CreateWorkshop');

const AddParticipantSchema = z
  .object({
    accompanimentId: z
      .string({ error: 'accompagnement attendu' })
      .min(1, { error: 'accompagnement attendu' })
      .max(100, { error: 'identifiant invalide' }),
  })
  .openapi('AddWorkshopParticipant');

const VoteSchema = z
  .object({
    optionId: z
      .string({ error: 'réponse attendue' })
      .min(1, { error: 'réponse attendue' })
      .max(100, { error: 'réponse inconnue' }),
  })
  .openapi('WorkshopVote');

const CreatedSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    doc: z.string().openapi({ description: 'Document partagé de l’atelier (`<id>.workshop`)' }),
  })
  .openapi('WorkshopCreated');

const ListSchema = z
  .object({
    workshops: z.array(
      z.object({
        id: z.string(),
        title: z.string(),
        coachName: z.string(),
        participantCount: z.number().int(),
        doc: z.string(),
        createdAt: z.string().openapi({ description: 'Date de création (ISO 8601)' }),
      }),
    ),
  })
  .openapi('WorkshopList');

const DetailSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    doc: z.string(),
    role: z.enum(['coach', 'participant']),
    coach: z.object({ id: z.string(), name: z.string() }),
    participants: z.array(
      z.object({
        userId: z.string(),
        name: z.string(),
        answersDoc: z.string().nullable().openapi({
          description: 'Ses réponses : pour la personne elle-même et la ou le coach ; sinon null',
        }),
      }),
    ),
    answersDoc: z.string().nullable().openapi({ description: 'Ses propres réponses (participant·e)' }),
  })
  .openapi('Workshop');

const ParticipantSchema = z.object({ userId: z.string(), name: z.string() }).openapi('WorkshopParticipant');

const ResultsSchema = z
  .object({
    counts: z.record(z.string(), z.number().int()).openapi({ description: 'Votes par réponse' }),
    total: z.number().int(),
    myVote: z.string().nullable().openapi({ description: 'Sa propre réponse, ou null' }),
  })
  .openapi('PollResults');

const jsonBody = <T>(schema: T) => ({ content: { 'application/json': { schema } }, required: true });
const ok = <T>(description: string, schema: T) => ({
  description,
  content: { 'application/json': { schema } },
});

const TAGS = ['Ateliers'];

const create = createRoute({
  method: 'post',
  path: '/',
  tags: TAGS,
  summary: 'Créer un atelier collectif (coach) ; son document partagé est initialisé',
  request: { body: jsonBody(CreateWorkshopSchema) },
  responses: {
    201: ok('Atelier créé', CreatedSchema),
    400: errorResponse('Données invalides'),
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé aux personnes qui accompagnent'),
  },
});

const list = createRoute({
  method: 'get',
  path: '/',
  tags: TAGS,
  summary: 'Les ateliers qu’on anime ou auxquels on participe, du plus récent au plus ancien',
  responses: { 200: ok('Liste', ListSchema), 401: errorResponse('Non connecté·e') },
});

const getOne = createRoute({
  method: 'get',
  path: '/{id}',
  tags: TAGS,
  summary: 'Un atelier, ses participant·es et les documents de réponses que l’on peut ouvrir',
  request: { params: IdParam },
  responses: {
    200: ok('Atelier', DetailSchema),
    401: errorResponse('Non connecté·e'),
    404: errorResponse('Introuvable'),
  },
});

const addParticipant = createRoute({
  method: 'post',
  path: '/{id}/participants',
  tags: TAGS,
  summary: 'Ajouter la personne accompagnée d’un de ses accompagnements (coach de l’atelier)',
  request: { params: IdParam, body: jsonBody(AddParticipantSchema) },
  responses: {
    201: ok('Participant·e ajouté·e', ParticipantSchema),
    400: errorResponse('Données invalides'),
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé à la personne qui anime l’atelier'),
    404: errorResponse('Atelier ou accompagnement introuvable'),
    409: errorResponse('Déjà participant·e'),
    422: errorResponse('L’accompagnement n’a pas encore de personne accompagnée inscrite'),
  },
});

const removeParticipant = createRoute({
  method: 'delete',
  path: '/{id}/participants/{userId}',
  tags: TAGS,
  summary: 'Retirer une personne de l’atelier ; ses connexions aux documents de l’atelier sont fermées',
  request: { params: ParticipantParams },
  responses: {
    204: { description: 'Retiré·e' },
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé à la personne qui anime l’atelier'),
    404: errorResponse('Atelier ou participant·e introuvable'),
  },
});

const vote = createRoute({
  method: 'put',
  path: '/{id}/polls/{pollId}/vote',
  tags: TAGS,
  summary: 'Voter (participant·es, un vote chacun·e, modifiable jusqu’à la clôture du sondage)',
  request: { params: PollParams, body: jsonBody(VoteSchema) },
  responses: {
    200: ok('Vote enregistré ; résultats anonymes', ResultsSchema),
    400: errorResponse('Données invalides'),
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé aux participant·es'),
    404: errorResponse('Atelier ou sondage introuvable'),
    409: errorResponse('Sondage clos'),
    422: errorResponse('Réponse inconnue'),
  },
});

const results = createRoute({
  method: 'get',
  path: '/{id}/polls/{pollId}',
  tags: TAGS,
  summary: 'Les résultats anonymes d’un sondage (jamais qui a voté quoi)',
  request: { params: PollParams },
  responses: {
    200: ok('Résultats', ResultsSchema),
    401: errorResponse('Non connecté·e'),
    404: errorResponse('Atelier ou sondage introuvable'),
  },
});

const UNAUTHENTICATED = { error: 'Non connecté·e.' };
const NOT_FOUND = { error: 'Atelier introuvable.' };
const COACH_ONLY = { error: 'Seule la personne qui anime l’atelier peut gérer ses participant·es.' };
const POLL_NOT_FOUND = { error: 'Sondage introuvable.' };

export function workshopRoutes(services: Services) {
  const { storage, clock } = services;
  const app = newRouter();

  /**
   * Runs `read` on the workshop's shared document: the live one when its room is loaded, else a copy rebuilt
   * from the update log (the poll definitions a vote is checked against, WS6).
   */
  const withSharedDoc = <T>(workshop: Workshop, read: (doc: Doc) => T): Promise<T> =>
    withDoc(storage, services.sync, workshopDocNames(workshop.id).shared, read);

  const findPoll = (workshop: Workshop, pollId: string): Promise<PollDefinition | null> =>
    withSharedDoc(workshop, (doc) => listPolls(doc).find((p) => p.id === pollId) ?? null);

  /** Counts for every option of the poll (0 included), and the caller's own choice — never anyone else's. */
  async function pollResults(workshop: Workshop, poll: PollDefinition, userId: string) {
    const counted = await storage.workshops.counts(workshop.id, poll.id);
    const counts: Record<string, number> = {};
    let total = 0;
    for (const option of poll.options) {
      const n = counted.get(option.id) ?? 0;
      counts[option.id] = n;
      total += n;
    }
    return { counts, total, myVote: await storage.workshops.myVote(workshop.id, poll.id, userId) };
  }

  app.openapi(create, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    if (session.user.role !== 'coach')
      return c.json({ error: 'Seule une personne qui accompagne peut créer un atelier.' }, 403);
    const { title } = c.req.valid('json');
    const id = newId<'WorkshopId'>() as WorkshopId;
    const doc = new Y.Doc();
    initWorkshopDoc(doc, title);
    const initial = Y.encodeStateAsUpdate(doc);
    doc.destroy();
    const name = workshopDocNames(id).shared;
    // The row and the initial state of its document are written together (PERSIST4, WS1).
    await storage.transaction(async () => {
      await storage.workshops.create({ id, coachId: session.user.id, title, now: clock.now() });
      await storage.docs.append(name, initial);
    });
    return c.json({ id, title, doc: name }, 201);
  });

  app.openapi(list, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const workshops = (await storage.workshops.listForUser(session.user.id)).map((w) => ({
      id: w.id,
      title: w.title,
      coachName: w.coach.name,
      participantCount: w.participantCount,
      doc: workshopDocNames(w.id).shared,
      createdAt: new Date(w.createdAt).toISOString(),
    }));
    return c.json({ workshops }, 200);
  });

  app.openapi(getOne, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const member = await workshopRoleIn(storage, session.user, c.req.valid('param').id);
    if (!member) return c.json(NOT_FOUND, 404);
    const { workshop, role } = member;
    const me = session.user.id;
    const answersOf = (userId: string): string => workshopAnswersDocName(workshop.id, userId as UserId);
    return c.json(
      {
        id: workshop.id,
        title: workshop.title,
        doc: workshopDocNames(workshop.id).shared,
        role,
        coach: workshop.coach,
        // A participant learns the names of the others, never the name of their answers document (WS3).
        participants: (await storage.workshops.participants(workshop.id)).map((p) => ({
          userId: p.userId,
          name: p.name,
          answersDoc: role === 'coach' || p.userId === me ? answersOf(p.userId) : null,
        })),
        answersDoc: role === 'participant' ? answersOf(me) : null,
      },
      200,
    );
  });

  app.openapi(addParticipant, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const member = await workshopRoleIn(storage, session.user, c.req.valid('param').id);
    if (!member) return c.json(NOT_FOUND, 404);
    if (member.role !== 'coach') return c.json(COACH_ONLY, 403);
    const acc = await storage.accompaniments.find(c.req.valid('json').accompanimentId);
    // Only the learners the caller accompanies: someone else's accompaniment is answered like a missing one.
    if (!acc || acc.coach.id !== session.user.id)
      return c.json({ error: 'Accompagnement introuvable.' }, 404);
    if (!acc.learner)
      return c.json(
        {
          error:
            'Cette personne n’a pas encore de compte : elle pourra rejoindre l’atelier une fois son invitation acceptée.',
        },
        422,
      );
    const now = clock.now();
    // A newcomer joins the group sessions to come, in the same transaction (SCHED14).
    const learnerId = acc.learner.id;
    const added = await storage.transaction(async () => {
      if (!(await storage.workshops.addParticipant(member.workshop.id, learnerId, acc.id, now))) return false;
      await storage.appointments.joinUpcomingGroups(
        member.workshop.id,
        { accompanimentId: acc.id, phase: currentPhase(acc), newId: () => newId() },
        session.user.id,
        now,
      );
      return true;
    });
    if (!added) return c.json({ error: `${acc.learner.name} participe déjà à cet atelier.` }, 409);
    return c.json({ userId: acc.learner.id, name: acc.learner.name }, 201);
  });

  app.openapi(removeParticipant, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const params = c.req.valid('param');
    const member = await workshopRoleIn(storage, session.user, params.id);
    if (!member) return c.json(NOT_FOUND, 404);
    if (member.role !== 'coach') return c.json(COACH_ONLY, 403);
    const removed = await storage.transaction(async () => {
      if (!(await storage.workshops.removeParticipant(member.workshop.id, params.userId))) return false;
      // Their appointments of the group sessions to come are cancelled; past ones stay (SCHED14).
      await storage.appointments.leaveUpcomingGroups(
        member.workshop.id,
        params.userId,
        session.user.id,
        'Retiré·e de l’atelier',
        clock.now(),
      );
      return true;
    });
    if (!removed) return c.json({ error: 'Cette personne ne participe pas à l’atelier.' }, 404);
    // Access is checked when a connection opens: the open ones are closed now (WS4).
    services.sync?.closeUserConnections(params.userId, [
      workshopDocNames(member.workshop.id).shared,
      workshopAnswersDocName(member.workshop.id, params.userId as UserId),
    ]);
    return c.body(null, 204);
  });

  app.route('/', groupSessionRoutes(services));

  app.openapi(vote, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const params = c.req.valid('param');
    const member = await workshopRoleIn(storage, session.user, params.id);
    if (!member) return c.json(NOT_FOUND, 404);
    if (member.role !== 'participant')
      return c.json({ error: 'Seules les personnes qui participent à l’atelier votent.' }, 403);
    const poll = await findPoll(member.workshop, params.pollId);
    if (!poll) return c.json(POLL_NOT_FOUND, 404);
    if (poll.closed) return c.json({ error: 'Ce sondage est clos : les votes ne sont plus acceptés.' }, 409);
    const { optionId } = c.req.valid('json');
    if (!poll.options.some((o) => o.id === optionId))
      return c.json({ error: 'Cette réponse ne fait pas partie du sondage.' }, 422);
    await storage.workshops.vote(member.workshop.id, poll.id, session.user.id, optionId);
    // The server announces new results itself, so that the document never shows which device voted (WS6).
    await services.sync?.change(
      workshopDocNames(member.workshop.id).shared,
      new ServerOrigin(session.user.id),
      (doc) => bumpPollRevision(doc, poll.id),
    );
    return c.json(await pollResults(member.workshop, poll, session.user.id), 200);
  });

  app.openapi(results, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const params = c.req.valid('param');
    const member = await workshopRoleIn(storage, session.user, params.id);
    if (!member) return c.json(NOT_FOUND, 404);
    const poll = await findPoll(member.workshop, params.pollId);
    if (!poll) return c.json(POLL_NOT_FOUND, 404);
    return c.json(await pollResults(member.workshop, poll, session.user.id), 200);
  });

  return app;
}
