import { docNames, initSharedDoc, newId, type AccompanimentId } from '@compagnon/model';
import { createRoute, z } from '@hono/zod-openapi';
import * as Y from 'yjs';
import { roleIn } from '../auth/access.ts';
import { newToken, tokenHash } from '../auth/tokens.ts';
import type { Accompaniment } from '../storage/accompaniments.ts';
import { normalizeEmail } from '../storage/users.ts';
import type { Services } from './context.ts';
import { newRouter } from './router.ts';
import {
  AccompanimentSchema,
  CreateAccompanimentSchema,
  InvitationCreatedSchema,
  InviteSchema,
  errorResponse,
} from './schemas.ts';

/** A bilan de compétences is capped at 24 hours with the provider (Code du travail, R6313-4). */
export const BILAN_MAX_HOURS = 24;
export const INVITATION_TTL_MS = 14 * 24 * 3600_000;

export function accompanimentJson(acc: Accompaniment, role: 'coach' | 'learner') {
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
  };
}

const IdParam = z.object({
  id: z
    .string()
    .max(100)
    .openapi({ param: { name: 'id', in: 'path' }, example: '0b9f8c3e-5d0e-4a53-9d1b-6f0d2a1c7e42' }),
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
  summary: 'Créer un accompagnement (coach) ; son document partagé est initialisé',
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

const UNAUTHENTICATED = { error: 'Non connecté·e.' };
const NOT_FOUND = { error: 'Accompagnement introuvable.' };

export function accompanimentRoutes(services: Services) {
  const { storage, mailer, publicUrl } = services;
  const app = newRouter();

  app.openapi(create, (c) => {
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
    initSharedDoc(doc, { title: body.title, kind: body.kind, hoursBudget: body.hoursBudget });
    const initial = Y.encodeStateAsUpdate(doc);
    doc.destroy();
    // The row and the initial state of its shared document are written together (PERSIST4).
    storage.transaction(() => {
      storage.accompaniments.create({ id, ...body, coachId: session.user.id });
      storage.docs.append(docNames(id).shared, initial);
    });
    const acc = storage.accompaniments.find(id);
    if (!acc) throw new Error('accompagnement créé introuvable');
    return c.json(accompanimentJson(acc, 'coach'), 201);
  });

  app.openapi(list, (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const { user } = session;
    const items =
      user.role === 'coach'
        ? storage.accompaniments.listForCoach(user.id).map((a) => accompanimentJson(a, 'coach'))
        : storage.accompaniments.listForLearner(user.id).map((a) => accompanimentJson(a, 'learner'));
    return c.json(items, 200);
  });

  app.openapi(getOne, (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const acc = storage.accompaniments.find(c.req.valid('param').id);
    const role = acc ? roleIn(session.user, acc) : null;
    // Someone else's accompaniment is answered exactly like a missing one (AUTH5).
    if (!acc || !role) return c.json(NOT_FOUND, 404);
    return c.json(accompanimentJson(acc, role), 200);
  });

  app.openapi(invite, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const acc = storage.accompaniments.find(c.req.valid('param').id);
    const role = acc ? roleIn(session.user, acc) : null;
    if (!acc || !role) return c.json(NOT_FOUND, 404);
    if (role !== 'coach')
      return c.json({ error: 'Seule la personne qui accompagne peut envoyer une invitation.' }, 403);
    if (acc.learner) return c.json({ error: 'Cet accompagnement a déjà sa personne accompagnée.' }, 409);
    const email = normalizeEmail(c.req.valid('json').email);
    const token = newToken();
    const now = Date.now();
    const expiresAt = now + INVITATION_TTL_MS;
    storage.transaction(() => {
      // A new invitation replaces the pending ones (a corrected address, a lost e-mail).
      storage.invitations.revokePending(acc.id, now);
      storage.invitations.create({
        tokenHash: tokenHash(token),
        accompanimentId: acc.id,
        email,
        createdBy: session.user.id,
        createdAt: now,
        expiresAt,
      });
    });
    const base = (publicUrl ?? new URL(c.req.url).origin).replace(/\/+$/, '');
    const url = `${base}/invitation/${token}`;
    const emailSent = mailer
      ? await mailer.sendInvitation({
          to: email,
          coachName: acc.coach.name,
          accompanimentTitle: acc.title,
          url,
          expiresAt,
        })
      : false;
    return c.json({ token, url, email, expiresAt: new Date(expiresAt).toISOString(), emailSent }, 201);
  });

  return app;
}
