import { createRoute, z } from '@hono/zod-openapi';
import { startSession } from '../auth/session.ts';
import type { Accompaniment } from '../storage/accompaniments.ts';
import type { Invitation } from '../storage/invitations.ts';
import { meJson } from './auth.ts';
import type { Services } from './context.ts';
import { audit } from './audit.ts';
import {
  AcceptConflict,
  INVITATION_UNKNOWN,
  INVITATION_USED,
  createInvitedAccount,
  findByToken,
  invitationGone,
} from './invitation-links.ts';
import { newRouter } from './router.ts';
import { AcceptInvitationSchema, AcceptedSchema, InvitationInfoSchema, errorResponse } from './schemas.ts';

const TokenParam = z.object({
  token: z
    .string()
    .max(100)
    .openapi({ param: { name: 'token', in: 'path' } }),
});

const info = createRoute({
  method: 'get',
  path: '/{token}',
  tags: ['Invitations'],
  summary: 'Ce que montre la page d’acceptation d’une invitation',
  request: { params: TokenParam },
  responses: {
    200: {
      description: 'Invitation valable',
      content: { 'application/json': { schema: InvitationInfoSchema } },
    },
    404: errorResponse('Invitation inconnue'),
    410: errorResponse('Invitation déjà utilisée, remplacée ou expirée'),
  },
});

const accept = createRoute({
  method: 'post',
  path: '/{token}/accept',
  tags: ['Invitations'],
  summary: 'Accepter : crée le compte de la personne accompagnée et ouvre sa session',
  request: {
    params: TokenParam,
    body: { content: { 'application/json': { schema: AcceptInvitationSchema } }, required: true },
  },
  responses: {
    201: {
      description: 'Compte créé et rattaché à l’accompagnement ; le cookie de session est posé',
      content: { 'application/json': { schema: AcceptedSchema } },
    },
    400: errorResponse('Données invalides'),
    404: errorResponse('Invitation inconnue'),
    409: errorResponse(
      'Un compte existe déjà avec cette adresse, ou l’accompagnement a déjà sa personne accompagnée',
    ),
    410: errorResponse('Invitation déjà utilisée, remplacée ou expirée'),
  },
});

type Lookup =
  | { ok: true; invitation: Invitation; accompaniment: Accompaniment }
  | { ok: false; status: 404 | 410; error: string };

const USED = INVITATION_USED;
const HAS_LEARNER = 'Cet accompagnement a déjà sa personne accompagnée.';

export function invitationRoutes(services: Services) {
  const { storage, publicUrl } = services;
  const app = newRouter();

  async function lookup(token: string, now = Date.now()): Promise<Lookup> {
    const notFound = { ok: false as const, status: 404 as const, error: INVITATION_UNKNOWN };
    const invitation = await findByToken(token, (hash) => storage.invitations.find(hash));
    if (!invitation) return notFound;
    const accompaniment = await storage.accompaniments.find(invitation.accompanimentId);
    if (!accompaniment) return notFound;
    const gone = invitationGone(
      invitation,
      'Cette invitation a expiré : demandez une nouvelle invitation à la personne qui vous accompagne.',
      now,
    );
    if (gone) return { ok: false, status: 410, error: gone };
    return { ok: true, invitation, accompaniment };
  }

  app.openapi(info, async (c) => {
    const found = await lookup(c.req.valid('param').token);
    if (!found.ok) return c.json({ error: found.error }, found.status);
    return c.json(
      {
        accompanimentTitle: found.accompaniment.title,
        coachName: found.accompaniment.coach.name,
        email: found.invitation.email,
        expiresAt: new Date(found.invitation.expiresAt).toISOString(),
      },
      200,
    );
  });

  app.openapi(accept, async (c) => {
    const body = c.req.valid('json');
    const found = await lookup(c.req.valid('param').token);
    if (!found.ok) return c.json({ error: found.error }, found.status);
    const { invitation, accompaniment } = found;
    if (accompaniment.learner) return c.json({ error: HAS_LEARNER }, 409);
    const user = await createInvitedAccount(
      storage,
      { email: invitation.email, name: body.name, password: body.password, role: 'learner' },
      async (created) => {
        if (!(await storage.invitations.markUsed(invitation.tokenHash, created.id)))
          throw new AcceptConflict(410, USED);
        if (!(await storage.accompaniments.setLearner(accompaniment.id, created.id, services.clock.now())))
          throw new AcceptConflict(409, HAS_LEARNER);
      },
    );
    if ('error' in user) return c.json({ error: user.error }, user.status);
    await startSession(c, storage, user.id, publicUrl);
    await audit(services, {
      actorId: user.id,
      action: 'invitation.accepted',
      targetType: 'accompaniment',
      targetId: accompaniment.id,
      summary: 'Invitation acceptée : compte de la personne accompagnée créé.',
      accompanimentId: accompaniment.id,
    });
    return c.json({ ...meJson(user), accompanimentId: accompaniment.id }, 201);
  });

  return app;
}
