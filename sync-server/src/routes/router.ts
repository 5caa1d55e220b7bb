import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, ErrorHandler, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { originAllowed } from '../auth/origin.ts';
import { currentSession } from '../auth/session.ts';
import type { Logger } from '../log/logger.ts';
import { loggablePath, type AppEnv, type Services } from './context.ts';
import { validationError } from './schemas.ts';

/** Every resource router is built here, so they all answer validation errors the same way (INPUT1). */
export function newRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return c.json(validationError(result.error.issues), 400);
    },
  });
}

export const MAX_BODY_BYTES = 64 * 1024;

/** Routes that take `multipart/form-data` (file uploads, FILE1) instead of JSON. */
export const MULTIPART_ROUTES: ReadonlySet<string> = new Set(['POST /api/files']);

const MUTATIONS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const routeKey = (c: Context): string => `${c.req.method} ${new URL(c.req.url).pathname.replace(/\/+$/, '')}`;

/** Whether this request is a multipart upload to a route that takes one. */
export function isMultipartUpload(c: Context): boolean {
  const contentType = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
  return contentType === 'multipart/form-data' && MULTIPART_ROUTES.has(routeKey(c));
}

/**
 * CSRF defence for the API (AUTH7): a mutation must say it is JSON — a cross-site form cannot — and, when
 * the browser sends an Origin, it must be this server's. SameSite=Lax cookies are the second layer.
 * A multipart upload is a request a cross-site form *can* send, so there the Origin header is required
 * and must be this server's (FILE1).
 */
export function csrfGuard(publicUrl: string | undefined): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!MUTATIONS.has(c.req.method)) return next();
    if (isMultipartUpload(c)) {
      const origin = c.req.header('origin');
      if (origin === undefined || !originAllowed(origin, c.req.header('host'), publicUrl))
        return c.json({ error: 'Dépôt refusé : origine de la requête absente ou refusée.' }, 403);
      if (c.req.header('sec-fetch-site') === 'cross-site')
        return c.json({ error: 'Requête inter-sites refusée.' }, 403);
      return next();
    }
    const contentType = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
    if (contentType !== 'application/json')
      return c.json(
        {
          error:
            'Les requêtes de modification doivent être envoyées en JSON (Content-Type: application/json).',
        },
        415,
      );
    const origin = c.req.header('origin');
    if (origin !== undefined && !originAllowed(origin, c.req.header('host'), publicUrl))
      return c.json({ error: 'Origine de la requête refusée.' }, 403);
    if (c.req.header('sec-fetch-site') === 'cross-site')
      return c.json({ error: 'Requête inter-sites refusée.' }, 403);
    return next();
  };
}

export function sessionLoader(services: Services): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('session', await currentSession(c, services.storage, services.publicUrl));
    return next();
  };
}

export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Referrer-Policy', 'no-referrer');
  if (new URL(c.req.url).pathname.startsWith('/api/')) c.header('Cache-Control', 'no-store');
  else c.header('X-Frame-Options', 'DENY');
};

/** Errors as JSON with a French message; unexpected ones are logged (without secrets) and hidden. */
export function errorHandler(log: Logger): ErrorHandler<AppEnv> {
  return (error: Error, c: Context<AppEnv>) => {
    if (error instanceof HTTPException) {
      switch (error.status) {
        case 400:
          return c.json(
            {
              error: /json/i.test(error.message)
                ? 'Le corps de la requête n’est pas un JSON valide.'
                : error.message,
            },
            400,
          );
        case 413:
          return c.json({ error: `Le corps de la requête dépasse ${MAX_BODY_BYTES / 1024} Kio.` }, 413);
        case 415:
          return c.json({ error: 'Type de contenu non pris en charge : envoyez du JSON.' }, 415);
        default:
          return c.json({ error: error.message || 'Requête refusée.' }, error.status);
      }
    }
    log.error(`Erreur interne sur ${c.req.method} ${loggablePath(c)}`, error);
    return c.json({ error: 'Erreur interne du serveur.' }, 500);
  };
}
