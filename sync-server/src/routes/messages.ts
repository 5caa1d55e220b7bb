// The message thread's read marks (MSG5, MSG6). The messages themselves travel in the shared document.
import { createRoute, z } from '@hono/zod-openapi';
import { roleIn } from '../auth/access.ts';
import type { Services } from './context.ts';
import { newRouter } from './router.ts';
import { errorResponse } from './schemas.ts';

const IdParam = z.object({
  id: z
    .string()
    .max(100)
    .openapi({ param: { name: 'id', in: 'path' }, example: '0b9f8c3e-5d0e-4a53-9d1b-6f0d2a1c7e42' }),
});

const UnreadSchema = z
  .object({
    unread: z.number().int().openapi({ description: 'Messages de l’autre personne non lus' }),
    lastReadAt: z.number().int().nullable().openapi({ description: 'Dernière lecture (ms), ou null' }),
  })
  .openapi('MessagesUnread');

const ReadSchema = z
  .object({
    at: z
      .number({ error: 'heure de lecture attendue (millisecondes)' })
      .int({ error: 'heure entière attendue' })
      .min(0, { error: 'heure invalide' }),
  })
  .openapi('MessagesRead');

const read = createRoute({
  method: 'post',
  path: '/{id}/messages/read',
  tags: ['Messages'],
  summary: 'Noter que la conversation est lue jusqu’à `at` (coach et accompagné·e)',
  request: {
    params: IdParam,
    body: { content: { 'application/json': { schema: ReadSchema } }, required: true },
  },
  responses: {
    200: { description: 'Lecture enregistrée', content: { 'application/json': { schema: UnreadSchema } } },
    400: errorResponse('Requête invalide'),
    401: errorResponse('Non connecté·e'),
    404: errorResponse('Introuvable'),
  },
});

const unread = createRoute({
  method: 'get',
  path: '/{id}/messages/unread',
  tags: ['Messages'],
  summary: 'Le nombre de messages non lus de la conversation (coach et accompagné·e)',
  request: { params: IdParam },
  responses: {
    200: { description: 'Non lus', content: { 'application/json': { schema: UnreadSchema } } },
    401: errorResponse('Non connecté·e'),
    404: errorResponse('Introuvable'),
  },
});

const UNAUTHENTICATED = { error: 'Non connecté·e.' };
const NOT_FOUND = { error: 'Accompagnement introuvable.' };

export function messageRoutes(services: Services) {
  const { storage, clock } = services;
  const app = newRouter();

  const member = async (user: Parameters<typeof roleIn>[0], id: string) => {
    const acc = await storage.accompaniments.find(id);
    return acc && roleIn(user, acc) ? acc : null;
  };
  const state = async (accompanimentId: string, userId: string) => ({
    unread: await storage.messages.unread(accompanimentId, userId),
    lastReadAt: await storage.messages.lastRead(accompanimentId, userId),
  });

  app.openapi(read, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const acc = await member(session.user, c.req.valid('param').id);
    if (!acc) return c.json(NOT_FOUND, 404);
    // A read mark is never in the future of the server (a wrong device clock cannot silence later messages).
    const at = Math.min(c.req.valid('json').at, clock.now());
    await storage.messages.markRead(acc.id, session.user.id, at);
    return c.json(await state(acc.id, session.user.id), 200);
  });

  app.openapi(unread, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const acc = await member(session.user, c.req.valid('param').id);
    if (!acc) return c.json(NOT_FOUND, 404);
    return c.json(await state(acc.id, session.user.id), 200);
  });

  return app;
}
