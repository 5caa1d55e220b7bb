import { createRoute } from '@hono/zod-openapi';
import type { Services } from './context.ts';
import { newRouter } from './router.ts';
import { SettingsSchema, errorResponse } from './schemas.ts';

const json = <T>(schema: T) => ({ content: { 'application/json': { schema } }, required: true });
const ok = <T>(description: string, schema: T) => ({
  description,
  content: { 'application/json': { schema } },
});

const getSettings = createRoute({
  method: 'get',
  path: '/',
  tags: ['Réglages'],
  summary: 'Les réglages de la personne qui accompagne',
  responses: {
    200: ok('Réglages', SettingsSchema),
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé aux personnes qui accompagnent'),
  },
});

const putSettings = createRoute({
  method: 'put',
  path: '/',
  tags: ['Réglages'],
  summary: 'Changer ses réglages (seuil d’inactivité de 1 à 90 jours)',
  request: { body: json(SettingsSchema) },
  responses: {
    200: ok('Réglages enregistrés', SettingsSchema),
    400: errorResponse('Données invalides'),
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé aux personnes qui accompagnent'),
  },
});

const COACH_ONLY = { error: 'Réglages réservés aux personnes qui accompagnent.' };

export function settingsRoutes(services: Services) {
  const { storage } = services;
  const app = newRouter();

  app.openapi(getSettings, async (c) => {
    const session = c.get('session');
    if (!session) return c.json({ error: 'Non connecté·e.' }, 401);
    if (session.user.role !== 'coach') return c.json(COACH_ONLY, 403);
    return c.json(await storage.settings.get(session.user.id), 200);
  });

  app.openapi(putSettings, async (c) => {
    const session = c.get('session');
    if (!session) return c.json({ error: 'Non connecté·e.' }, 401);
    if (session.user.role !== 'coach') return c.json(COACH_ONLY, 403);
    await storage.settings.put(session.user.id, c.req.valid('json'));
    return c.json(await storage.settings.get(session.user.id), 200);
  });

  return app;
}
