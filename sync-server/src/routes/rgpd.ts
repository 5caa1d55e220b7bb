// The person's rights over their data (RGPD1–RGPD5): the export of all their data, and the erasure request
// with its grace period.
import { createRoute, z } from '@hono/zod-openapi';
import { verifyPassword } from '../auth/password.ts';
import { endSession } from '../auth/session.ts';
import {
  DELETION_GRACE_DAYS,
  DELETION_KEEPS,
  deletionJson,
  exportFor,
  scheduledFor,
} from '../evidence/rgpd.ts';
import type { DeletionRequest } from '../storage/closing.ts';
import { audit } from './audit.ts';
import type { Services } from './context.ts';
import { newRouter } from './router.ts';
import { UNAUTHENTICATED } from './scheduling-shared.ts';
import { errorResponse } from './schemas.ts';

const TAGS = ['Données personnelles'];

const DeletionInput = z
  .object({
    confirm: z.literal(true, { error: 'confirmez la demande d’effacement (confirm: true)' }),
    password: z
      .string({ error: 'mot de passe attendu' })
      .min(1, { error: 'mot de passe attendu' })
      .max(256, { error: 'mot de passe trop long' }),
  })
  .openapi('DeletionRequestInput');

const DeletionScheduled = z
  .object({
    requestedAt: z.string(),
    scheduledFor: z
      .string()
      .openapi({ description: `Anonymisation ${DELETION_GRACE_DAYS} jours après la demande` }),
    keeps: z
      .array(z.string())
      .openapi({ description: 'Ce qui est conservé, pseudonymisé, pour les financeurs' }),
  })
  .openapi('DeletionScheduled');

const DeletionStatus = z
  .object({
    status: z.enum(['none', 'pending', 'cancelled', 'completed']),
    requestedAt: z.string().nullable(),
    scheduledFor: z.string().nullable(),
    keeps: z.array(z.string()),
  })
  .openapi('DeletionStatus');

const json = (description: string, schema: z.ZodType) => ({
  description,
  content: { 'application/json': { schema } },
});

const exportRoute = createRoute({
  method: 'get',
  path: '/me/export',
  tags: TAGS,
  summary:
    'Télécharger toutes ses données (JSON) : compte, accompagnements et leurs documents lisibles, rendez-vous…',
  responses: {
    200: json('Export (pièce jointe JSON)', z.object({}).passthrough()),
    401: errorResponse('Non connecté·e'),
  },
});

const requestDeletion = createRoute({
  method: 'post',
  path: '/me/deletion',
  tags: TAGS,
  summary: `Demander l’effacement de son compte (anonymisé après ${DELETION_GRACE_DAYS} jours ; sessions fermées)`,
  request: { body: { content: { 'application/json': { schema: DeletionInput } }, required: true } },
  responses: {
    202: json('Demande enregistrée', DeletionScheduled),
    400: errorResponse('Requête invalide'),
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Mot de passe incorrect'),
    409: errorResponse('Demande déjà enregistrée'),
  },
});

const deletionStatus = createRoute({
  method: 'get',
  path: '/me/deletion',
  tags: TAGS,
  summary: 'Où en est la demande d’effacement',
  responses: { 200: json('État', DeletionStatus), 401: errorResponse('Non connecté·e') },
});

const cancelDeletion = createRoute({
  method: 'delete',
  path: '/me/deletion',
  tags: TAGS,
  summary: 'Annuler la demande d’effacement pendant le délai de grâce',
  responses: {
    200: json('Demande annulée', DeletionStatus),
    401: errorResponse('Non connecté·e'),
    404: errorResponse('Aucune demande en cours'),
  },
});

function statusJson(request: DeletionRequest | null) {
  const status = !request
    ? 'none'
    : request.completedAt !== null
      ? 'completed'
      : request.cancelledAt !== null
        ? 'cancelled'
        : 'pending';
  return {
    status,
    requestedAt: request ? new Date(request.requestedAt).toISOString() : null,
    scheduledFor: request && status === 'pending' ? new Date(request.scheduledFor).toISOString() : null,
    keeps: [...DELETION_KEEPS],
  } as const;
}

export function rgpdRoutes(services: Services) {
  const { storage, clock } = services;
  const app = newRouter();

  app.openapi(exportRoute, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const data = await exportFor(services, session.user);
    await audit(services, {
      actorId: session.user.id,
      action: 'rgpd.export',
      targetType: 'user',
      targetId: session.user.id,
      summary: 'Export de ses données personnelles téléchargé.',
    });
    const day = new Date(clock.now()).toISOString().slice(0, 10);
    c.header('Content-Disposition', `attachment; filename="compagnon-mes-donnees-${day}.json"`);
    return c.json(data, 200);
  });

  app.openapi(requestDeletion, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const { user } = session;
    const body = c.req.valid('json');
    const stored = await storage.users.findByEmail(user.email);
    if (!stored || !(await verifyPassword(stored.passwordHash, body.password)))
      return c.json(
        { error: 'Mot de passe incorrect : la demande d’effacement n’est pas enregistrée.' },
        403,
      );
    if (statusJson(await storage.deletionRequests.find(user.id)).status === 'pending')
      return c.json({ error: 'Une demande d’effacement est déjà enregistrée pour ce compte.' }, 409);
    const now = clock.now();
    const when = scheduledFor(now);
    const sessions = await storage.transaction(async () => {
      const ids = await storage.deletionRequests.sessionIds(user.id);
      await storage.deletionRequests.request(user.id, now, when);
      await storage.deletionRequests.endSessions(user.id);
      return ids;
    });
    // Every session of the account ends now, this one included, with its open connections.
    await endSession(c, storage, services.publicUrl);
    for (const id of sessions) {
      services.sync?.closeSession(id);
      services.calls?.closeSession(id);
    }
    await audit(services, {
      actorId: user.id,
      action: 'rgpd.deletion-requested',
      targetType: 'user',
      targetId: user.id,
      summary: `Effacement du compte demandé ; anonymisation prévue dans ${DELETION_GRACE_DAYS} jours.`,
    });
    return c.json(deletionJson({ requestedAt: now, scheduledFor: when }), 202);
  });

  app.openapi(deletionStatus, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    return c.json(statusJson(await storage.deletionRequests.find(session.user.id)), 200);
  });

  app.openapi(cancelDeletion, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const { user } = session;
    if (!(await storage.deletionRequests.cancel(user.id, clock.now())))
      return c.json({ error: 'Aucune demande d’effacement en cours.' }, 404);
    await audit(services, {
      actorId: user.id,
      action: 'rgpd.deletion-cancelled',
      targetType: 'user',
      targetId: user.id,
      summary: 'Demande d’effacement du compte annulée pendant le délai de grâce.',
    });
    return c.json(statusJson(await storage.deletionRequests.find(user.id)), 200);
  });

  return app;
}
