import { createRoute } from '@hono/zod-openapi';
import { dummyHash, hashPassword, verifyPassword } from '../auth/password.ts';
import { endSession, startSession } from '../auth/session.ts';
import { audit } from './audit.ts';
import { EmailTakenError, normalizeEmail, type User } from '../storage/users.ts';
import { clientAddress, type Services } from './context.ts';
import { newRouter } from './router.ts';
import { MeSchema, MeWithSettingsSchema, SignInSchema, SignUpSchema, errorResponse } from './schemas.ts';

export const meJson = (user: User) => ({ id: user.id, email: user.email, name: user.name, role: user.role });

const json = <T>(schema: T) => ({ content: { 'application/json': { schema } }, required: true });

const signUp = createRoute({
  method: 'post',
  path: '/auth/sign-up/email',
  tags: ['Authentification'],
  summary: 'Créer un compte de personne qui accompagne (coach) et ouvrir une session',
  request: { body: json(SignUpSchema) },
  responses: {
    201: {
      description: 'Compte créé ; le cookie de session est posé',
      content: { 'application/json': { schema: MeSchema } },
    },
    400: errorResponse('Données invalides'),
    409: errorResponse('Adresse e-mail déjà utilisée'),
  },
});

const signIn = createRoute({
  method: 'post',
  path: '/auth/sign-in/email',
  tags: ['Authentification'],
  summary: 'Ouvrir une session',
  request: { body: json(SignInSchema) },
  responses: {
    200: { description: 'Session ouverte', content: { 'application/json': { schema: MeSchema } } },
    400: errorResponse('Données invalides'),
    401: errorResponse('Identifiants incorrects'),
    429: errorResponse('Trop d’échecs : réessayer après le délai de l’en-tête Retry-After'),
  },
});

const signOut = createRoute({
  method: 'post',
  path: '/auth/sign-out',
  tags: ['Authentification'],
  summary: 'Fermer la session (et ses connexions de synchronisation)',
  responses: { 204: { description: 'Session fermée, cookie effacé' } },
});

const me = createRoute({
  method: 'get',
  path: '/me',
  tags: ['Authentification'],
  summary: 'La personne connectée (et ses réglages pour une personne qui accompagne)',
  responses: {
    200: { description: 'Connecté·e', content: { 'application/json': { schema: MeWithSettingsSchema } } },
    401: errorResponse('Non connecté·e'),
  },
});

function waitText(seconds: number): string {
  if (seconds < 60) return `${seconds} seconde${seconds > 1 ? 's' : ''}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes > 1 ? 's' : ''}`;
}

export function authRoutes(services: Services) {
  const { storage, throttle, publicUrl } = services;
  const app = newRouter();

  app.openapi(signUp, async (c) => {
    const body = c.req.valid('json');
    const email = normalizeEmail(body.email);
    const taken = { error: 'Un compte existe déjà avec cette adresse e-mail.' };
    if (await storage.users.findByEmail(email)) return c.json(taken, 409);
    const passwordHash = await hashPassword(body.password);
    let user: User;
    try {
      // A coach who signs up alone gets an organisation of their own, which they manage (ORG1).
      user = await storage.transaction(async () => {
        const created = await storage.users.create({ email, name: body.name, role: 'coach', passwordHash });
        await storage.organisations.createForCoach(created, services.clock.now());
        return created;
      });
    } catch (error) {
      if (error instanceof EmailTakenError) return c.json(taken, 409);
      throw error;
    }
    await startSession(c, storage, user.id, publicUrl);
    return c.json(meJson(user), 201);
  });

  app.openapi(signIn, async (c) => {
    const body = c.req.valid('json');
    const email = normalizeEmail(body.email);
    const address = clientAddress(c, services.trustProxy);
    const wait = throttle.retryAfter(email, address);
    if (wait > 0) {
      c.header('Retry-After', String(wait));
      return c.json({ error: `Trop de tentatives de connexion. Réessayez dans ${waitText(wait)}.` }, 429);
    }
    const user = await storage.users.findByEmail(email);
    // An unknown address costs the same hash as a wrong password: timing does not reveal accounts.
    const valid = await verifyPassword(user?.passwordHash ?? (await dummyHash()), body.password);
    if (!user || !valid) {
      throttle.fail(email, address);
      return c.json({ error: 'Adresse e-mail ou mot de passe incorrect.' }, 401);
    }
    throttle.succeed(email);
    await startSession(c, storage, user.id, publicUrl);
    await audit(services, {
      actorId: user.id,
      action: 'auth.sign-in',
      targetType: 'user',
      targetId: user.id,
      summary: 'Connexion.',
    });
    return c.json(meJson(user), 200);
  });

  app.openapi(signOut, async (c) => {
    const sessionId = await endSession(c, storage, publicUrl);
    if (sessionId) {
      services.sync?.closeSession(sessionId);
      services.calls?.closeSession(sessionId);
    }
    return c.body(null, 204);
  });

  app.openapi(me, async (c) => {
    const session = c.get('session');
    if (!session) return c.json({ error: 'Non connecté·e.' }, 401);
    const { user } = session;
    if (user.role !== 'coach') return c.json(meJson(user), 200);
    return c.json({ ...meJson(user), settings: await storage.settings.get(user.id) }, 200);
  });

  return app;
}
