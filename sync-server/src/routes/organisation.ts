import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { startSession } from '../auth/session.ts';
import type { OrganisationInvitation } from '../storage/invitations.ts';
import type { Membership } from '../storage/organisations.ts';
import { normalizeEmail, type User } from '../storage/users.ts';
import { meJson } from './auth.ts';
import type { AppEnv, Services } from './context.ts';
import { audit } from './audit.ts';
import {
  AcceptConflict,
  INVITATION_UNKNOWN,
  INVITATION_USED,
  createInvitedAccount,
  findByToken,
  invitationCreatedJson,
  invitationGone,
  newInvitationLink,
} from './invitation-links.ts';
import { newRouter } from './router.ts';
import {
  AcceptOrganisationInvitationSchema,
  InvitationCreatedSchema,
  InviteSchema,
  MeSchema,
  OrganisationInvitationInfoSchema,
  OrganisationNameSchema,
  OrganisationSchema,
  errorResponse,
} from './schemas.ts';

const TAG = ['Organisation'];
const json = <T>(schema: T) => ({ content: { 'application/json': { schema } }, required: true });
const ok = <T>(description: string, schema: T) => ({
  description,
  content: { 'application/json': { schema } },
});
const TokenParam = z.object({
  token: z
    .string()
    .max(100)
    .openapi({ param: { name: 'token', in: 'path' } }),
});

const get = createRoute({
  method: 'get',
  path: '/',
  tags: TAG,
  summary: 'Son organisation, son rôle et les personnes qui en font partie',
  responses: {
    200: ok('Organisation', OrganisationSchema),
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé aux personnes qui accompagnent'),
  },
});

const rename = createRoute({
  method: 'put',
  path: '/',
  tags: TAG,
  summary: 'Renommer l’organisation (responsable)',
  request: { body: json(OrganisationNameSchema) },
  responses: {
    200: ok('Organisation renommée', OrganisationSchema),
    400: errorResponse('Données invalides'),
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé à la ou au responsable de l’organisation'),
  },
});

const invite = createRoute({
  method: 'post',
  path: '/invitations',
  tags: TAG,
  summary: 'Inviter une personne qui accompagne dans l’organisation (responsable)',
  request: { body: json(InviteSchema) },
  responses: {
    201: ok('Invitation créée (valable 14 jours, un seul usage)', InvitationCreatedSchema),
    400: errorResponse('Données invalides'),
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé à la ou au responsable de l’organisation'),
  },
});

const info = createRoute({
  method: 'get',
  path: '/invitations/{token}',
  tags: TAG,
  summary: 'Ce que montre la page d’acceptation d’une invitation dans une organisation',
  request: { params: TokenParam },
  responses: {
    200: ok('Invitation valable', OrganisationInvitationInfoSchema),
    404: errorResponse('Invitation inconnue'),
    410: errorResponse('Invitation déjà utilisée, remplacée ou expirée'),
  },
});

const accept = createRoute({
  method: 'post',
  path: '/invitations/{token}/accept',
  tags: TAG,
  summary: 'Accepter : crée le compte de la personne qui accompagne dans l’organisation et ouvre sa session',
  request: { params: TokenParam, body: json(AcceptOrganisationInvitationSchema) },
  responses: {
    201: ok('Compte créé dans l’organisation ; le cookie de session est posé', MeSchema),
    400: errorResponse('Données invalides'),
    404: errorResponse('Invitation inconnue'),
    409: errorResponse('Un compte existe déjà avec cette adresse'),
    410: errorResponse('Invitation déjà utilisée, remplacée ou expirée'),
  },
});

const UNAUTHENTICATED = { error: 'Non connecté·e.' };
const COACH_ONLY = { error: 'L’organisation est réservée aux personnes qui accompagnent.' };
const MANAGER_ONLY = { error: 'Seule la ou le responsable de l’organisation peut faire cela.' };
const EXPIRED =
  'Cette invitation a expiré : demandez une nouvelle invitation à la ou au responsable de l’organisation.';

/** Organisations, their members and coach invitations (ORG1–ORG3). */
export function organisationRoutes(services: Services) {
  const { storage, mailer, publicUrl, clock } = services;
  const app = newRouter();

  type Caller = { status: 401 | 403; body: { error: string } } | { user: User; membership: Membership };
  async function caller(c: Context<AppEnv>): Promise<Caller> {
    const session = c.get('session');
    if (!session) return { status: 401, body: UNAUTHENTICATED };
    const membership =
      session.user.role === 'coach' ? await storage.organisations.membershipOf(session.user.id) : null;
    if (!membership) return { status: 403, body: COACH_ONLY };
    return { user: session.user, membership };
  }

  const organisationJson = async (m: Membership) => ({
    id: m.organisation.id,
    name: m.organisation.name,
    role: m.role,
    members: await storage.organisations.members(m.organisation.id),
  });

  type Lookup = { invitation: OrganisationInvitation } | { status: 404 | 410; error: string };
  async function lookup(token: string): Promise<Lookup> {
    const invitation = await findByToken(token, (hash) => storage.organisationInvitations.find(hash));
    if (!invitation) return { status: 404, error: INVITATION_UNKNOWN };
    const gone = invitationGone(invitation, EXPIRED);
    if (gone) return { status: 410, error: gone };
    return { invitation };
  }

  app.openapi(get, async (c) => {
    const who = await caller(c);
    if ('status' in who) return c.json(who.body, who.status);
    return c.json(await organisationJson(who.membership), 200);
  });

  app.openapi(rename, async (c) => {
    const who = await caller(c);
    if ('status' in who) return c.json(who.body, who.status);
    if (who.membership.role !== 'manager') return c.json(MANAGER_ONLY, 403);
    const { name } = c.req.valid('json');
    await storage.organisations.rename(who.membership.organisation.id, name);
    const updated = (await storage.organisations.membershipOf(who.user.id)) ?? who.membership;
    return c.json(await organisationJson(updated), 200);
  });

  app.openapi(invite, async (c) => {
    const who = await caller(c);
    if ('status' in who) return c.json(who.body, who.status);
    if (who.membership.role !== 'manager') return c.json(MANAGER_ONLY, 403);
    const email = normalizeEmail(c.req.valid('json').email);
    const link = newInvitationLink(c, publicUrl, '/organisation/invitation');
    await storage.organisationInvitations.create({
      tokenHash: link.tokenHash,
      organisationId: who.membership.organisation.id,
      email,
      createdBy: who.user.id,
      createdAt: link.createdAt,
      expiresAt: link.expiresAt,
    });
    const emailSent = mailer
      ? await mailer.sendInvitation({
          to: email,
          coachName: who.user.name,
          organisationName: who.membership.organisation.name,
          url: link.url,
          expiresAt: link.expiresAt,
        })
      : false;
    await audit(services, {
      actorId: who.user.id,
      action: 'organisation.invitation-sent',
      targetType: 'organisation',
      targetId: who.membership.organisation.id,
      summary: `Invitation d’une personne qui accompagne ${emailSent ? 'envoyée par e-mail' : 'créée (lien)'}.`,
      organisationId: who.membership.organisation.id,
    });
    return c.json(invitationCreatedJson(link, email, emailSent), 201);
  });

  app.openapi(info, async (c) => {
    const found = await lookup(c.req.valid('param').token);
    if ('error' in found) return c.json({ error: found.error }, found.status);
    const { invitation } = found;
    const organisation = await storage.organisations.find(invitation.organisationId);
    if (!organisation) return c.json({ error: INVITATION_UNKNOWN }, 404);
    const inviterName = (await storage.users.findById(invitation.createdBy))?.name ?? '';
    return c.json({ organisationName: organisation.name, inviterName, email: invitation.email }, 200);
  });

  app.openapi(accept, async (c) => {
    const body = c.req.valid('json');
    const found = await lookup(c.req.valid('param').token);
    if ('error' in found) return c.json({ error: found.error }, found.status);
    const { invitation } = found;
    const user = await createInvitedAccount(
      storage,
      { email: invitation.email, name: body.name, password: body.password, role: 'coach' },
      async (created) => {
        if (!(await storage.organisationInvitations.markUsed(invitation.tokenHash, created.id)))
          throw new AcceptConflict(410, INVITATION_USED);
        await storage.organisations.addMember(invitation.organisationId, created.id, 'coach', clock.now());
      },
    );
    if ('error' in user) return c.json({ error: user.error }, user.status);
    await startSession(c, storage, user.id, publicUrl);
    await audit(services, {
      actorId: user.id,
      action: 'organisation.invitation-accepted',
      targetType: 'organisation',
      targetId: invitation.organisationId,
      summary: 'Invitation dans l’organisation acceptée : compte créé.',
      organisationId: invitation.organisationId,
    });
    return c.json(meJson(user), 201);
  });

  return app;
}
