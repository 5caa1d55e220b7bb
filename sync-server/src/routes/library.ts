import {
  isExpectationKind,
  isResourceKind,
  newId,
  parseExerciseDefinition,
  type ExerciseDefinition,
} from '@compagnon/model';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { LibraryItem, LibraryItemValues } from '../storage/library.ts';
import type { AppEnv, Services } from './context.ts';
import { newRouter } from './router.ts';
import { LibraryItemInputSchema, LibraryItemSchema, errorResponse, libraryExercise } from './schemas.ts';

const IdParam = z.object({
  id: z
    .string()
    .max(100)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

const json = <T>(schema: T) => ({ content: { 'application/json': { schema } }, required: true });
const ok = <T>(description: string, schema: T) => ({
  description,
  content: { 'application/json': { schema } },
});
const common = {
  401: errorResponse('Non connecté·e'),
  403: errorResponse('Réservé aux personnes qui accompagnent'),
};

const list = createRoute({
  method: 'get',
  path: '/',
  tags: ['Bibliothèque'],
  summary:
    'Sa bibliothèque de contenus (ressources, modèles d’étapes, exercices) et les éléments partagés par les autres ' +
    'personnes de son organisation, du plus récemment modifié',
  responses: { 200: ok('Éléments', z.array(LibraryItemSchema)), ...common },
});

const create = createRoute({
  method: 'post',
  path: '/',
  tags: ['Bibliothèque'],
  summary: 'Ajouter une ressource, un modèle d’étape ou un exercice',
  request: { body: json(LibraryItemInputSchema) },
  responses: {
    201: ok('Élément créé', LibraryItemSchema),
    400: errorResponse('Données invalides'),
    ...common,
    422: errorResponse('Fichier inconnu ou hors de la bibliothèque'),
  },
});

const update = createRoute({
  method: 'put',
  path: '/{id}',
  tags: ['Bibliothèque'],
  summary: 'Remplacer un élément de sa bibliothèque',
  request: { params: IdParam, body: json(LibraryItemInputSchema) },
  responses: {
    200: ok('Élément modifié', LibraryItemSchema),
    400: errorResponse('Données invalides'),
    ...common,
    403: errorResponse('Réservé aux personnes qui accompagnent ; élément partagé par une autre personne'),
    404: errorResponse('Introuvable'),
    422: errorResponse('Fichier inconnu ou hors de la bibliothèque'),
  },
});

const remove = createRoute({
  method: 'delete',
  path: '/{id}',
  tags: ['Bibliothèque'],
  summary: 'Retirer un élément de sa bibliothèque (les parcours qui l’ont copié le gardent)',
  request: { params: IdParam },
  responses: {
    204: { description: 'Retiré' },
    ...common,
    403: errorResponse('Réservé aux personnes qui accompagnent ; élément partagé par une autre personne'),
    404: errorResponse('Introuvable'),
  },
});

/** A stored exercise as the model reads it today (null if it no longer passes: never handed out broken). */
function storedExercise(item: LibraryItem): ExerciseDefinition | null {
  if (item.kind !== 'exercise') return null;
  const parsed = parseExerciseDefinition(item.exercise);
  return parsed.ok ? parsed.definition : null;
}

export function libraryItemJson(item: LibraryItem, viewerId: string) {
  return {
    id: item.id,
    kind: item.kind,
    title: item.title,
    resourceKind: isResourceKind(item.resourceKind) ? item.resourceKind : null,
    body: item.body,
    url: item.url,
    fileId: item.fileId,
    fileName: item.fileName,
    expected:
      item.expectedKind && isExpectationKind(item.expectedKind)
        ? { kind: item.expectedKind, prompt: item.expectedPrompt ?? '' }
        : null,
    exercise: storedExercise(item),
    shared: item.shared,
    owner: { id: item.ownerId, name: item.ownerName },
    mine: item.ownerId === viewerId,
    createdAt: new Date(item.createdAt).toISOString(),
    updatedAt: new Date(item.updatedAt).toISOString(),
  };
}

const UNAUTHENTICATED = { error: 'Non connecté·e.' };
const COACH_ONLY = { error: 'La bibliothèque est réservée aux personnes qui accompagnent.' };
const NOT_FOUND = { error: 'Élément de bibliothèque introuvable.' };
const NOT_OWNER = {
  error:
    'Cet élément est partagé par une autre personne : seule la personne qui l’a ajouté peut le modifier.',
};
const BAD_FILE = { error: 'Ce fichier n’existe pas dans votre bibliothèque : déposez-le d’abord.' };
const badExercise = (message: string) => ({ error: message, details: [{ path: 'exercise', message }] });

/** A coach's library and what their organisation shares (LIB1–LIB5, ORG4). */
export function libraryRoutes(services: Services) {
  const { storage, clock } = services;
  const app = newRouter();

  const coach = (c: Context<AppEnv>) => {
    const session = c.get('session');
    return session ? { user: session.user, coach: session.user.role === 'coach' } : null;
  };

  /**
   * Stored values from a validated body: `bad-file` when the referenced file is not one of the owner's library
   * files, the model's French message when an exercise is refused (LIB5).
   */
  async function values(
    ownerId: string,
    body: z.infer<typeof LibraryItemInputSchema>,
    shared: boolean,
  ): Promise<LibraryItemValues | { error: string } | 'bad-file'> {
    if (body.kind === 'exercise') {
      const parsed = libraryExercise(body.title, body.exercise);
      if (!parsed.ok) return { error: parsed.error };
      return {
        kind: 'exercise',
        title: parsed.definition.title,
        resourceKind: null,
        body: null,
        url: null,
        fileId: null,
        expectedKind: null,
        expectedPrompt: null,
        shared: body.shared ?? shared,
        exercise: parsed.definition,
      };
    }
    const resourceKind = body.resourceKind ?? null;
    const fileId = resourceKind ? (body.fileId ?? null) : null;
    if (fileId) {
      const file = await storage.files.find(fileId);
      if (!file || file.uploaderId !== ownerId || file.accompanimentId !== null) return 'bad-file';
    }
    const expected =
      body.kind === 'step' && body.expected && body.expected.kind !== 'none' ? body.expected : null;
    return {
      kind: body.kind,
      title: body.title,
      resourceKind,
      body: resourceKind ? body.body?.trim() || null : null,
      url: resourceKind ? body.url || null : null,
      fileId,
      expectedKind: expected?.kind ?? null,
      expectedPrompt: expected ? expected.prompt : null,
      shared: body.shared ?? shared,
    };
  }

  app.openapi(list, async (c) => {
    const who = coach(c);
    if (!who) return c.json(UNAUTHENTICATED, 401);
    if (!who.coach) return c.json(COACH_ONLY, 403);
    const items = await storage.library.listVisible(who.user.id);
    return c.json(
      items.map((item) => libraryItemJson(item, who.user.id)),
      200,
    );
  });

  app.openapi(create, async (c) => {
    const who = coach(c);
    if (!who) return c.json(UNAUTHENTICATED, 401);
    if (!who.coach) return c.json(COACH_ONLY, 403);
    const v = await values(who.user.id, c.req.valid('json'), false);
    if (v === 'bad-file') return c.json(BAD_FILE, 422);
    if ('error' in v) return c.json(badExercise(v.error), 400);
    const id = newId<'LibraryItemId'>();
    await storage.library.create(id, who.user.id, v, clock.now());
    const item = await storage.library.find(id, who.user.id);
    if (!item) throw new Error('élément créé introuvable');
    return c.json(libraryItemJson(item, who.user.id), 201);
  });

  app.openapi(update, async (c) => {
    const who = coach(c);
    if (!who) return c.json(UNAUTHENTICATED, 401);
    if (!who.coach) return c.json(COACH_ONLY, 403);
    const { id } = c.req.valid('param');
    // An item the caller cannot see is answered like a missing one; a colleague's shared item is read-only.
    const current = await storage.library.findVisible(id, who.user.id);
    if (!current) return c.json(NOT_FOUND, 404);
    if (current.ownerId !== who.user.id) return c.json(NOT_OWNER, 403);
    const v = await values(who.user.id, c.req.valid('json'), current.shared);
    if (v === 'bad-file') return c.json(BAD_FILE, 422);
    if ('error' in v) return c.json(badExercise(v.error), 400);
    await storage.library.update(id, who.user.id, v, clock.now());
    const item = await storage.library.find(id, who.user.id);
    if (!item) return c.json(NOT_FOUND, 404);
    return c.json(libraryItemJson(item, who.user.id), 200);
  });

  app.openapi(remove, async (c) => {
    const who = coach(c);
    if (!who) return c.json(UNAUTHENTICATED, 401);
    if (!who.coach) return c.json(COACH_ONLY, 403);
    const { id } = c.req.valid('param');
    const current = await storage.library.findVisible(id, who.user.id);
    if (!current) return c.json(NOT_FOUND, 404);
    if (current.ownerId !== who.user.id) return c.json(NOT_OWNER, 403);
    if (!(await storage.library.delete(id, who.user.id))) return c.json(NOT_FOUND, 404);
    return c.body(null, 204);
  });

  return app;
}
