import { OpenAPIHono } from '@hono/zod-openapi';
import { CALL_OPENAPI_PATH } from '../call/signalling.ts';
import { bodyLimit } from 'hono/body-limit';
import { accompanimentAdminRoutes } from './accompaniment-admin.ts';
import { accompanimentRoutes } from './accompaniments.ts';
import { appointmentRoutes } from './appointments.ts';
import { attendanceRoutes } from './attendance.ts';
import { auditRoutes } from './audit.ts';
import { authRoutes } from './auth.ts';
import { availabilityRoutes } from './availability.ts';
import { calendarRoutes } from './calendar.ts';
import { closedGuard, closingRoutes } from './closing.ts';
import type { AppEnv, Services } from './context.ts';
import { evidenceRoutes } from './evidence.ts';
import { FILE_MAX_BYTES, FILE_TOO_BIG, fileRoutes } from './files.ts';
import { healthRoutes } from './health.ts';
import { hoursRoutes } from './hours.ts';
import { invitationRoutes } from './invitations.ts';
import { libraryRoutes } from './library.ts';
import { messageRoutes } from './messages.ts';
import { organisationRoutes } from './organisation.ts';
import { reportRoutes } from './reports.ts';
import { rgpdRoutes } from './rgpd.ts';
import { MAX_BODY_BYTES, csrfGuard, errorHandler, isMultipartUpload, sessionLoader } from './router.ts';
import { settingsRoutes } from './settings.ts';
import { surveyRoutes } from './surveys.ts';
import { synthesisRoutes } from './synthesis.ts';
import { testClockRoutes } from './test-clock.ts';
import { workshopRoutes } from './workshops.ts';

export const API_VERSION = '0.1.0';

const OPENAPI_INFO = {
  openapi: '3.1.0',
  info: {
    title: 'Compagnon',
    version: API_VERSION,
    description:
      'API du serveur Compagnon. Les modifications (POST, PUT, PATCH, DELETE) exigent ' +
      '`Content-Type: application/json` ; les erreurs sont `{ "error": "<message>" }`.',
  },
  security: [{ session: [] }],
};

const SYNC_PATH = {
  get: {
    tags: ['Synchronisation'],
    summary:
      'WebSocket de synchronisation Yjs (protocole y-websocket : sync 0, awareness 1, query awareness 3)',
    description:
      'Connexion authentifiée par le cookie de session. Document partagé : coach et accompagné·e ; ' +
      'document privé : coach seulement ; atelier : coach et participant·es ; réponses d’atelier : la ' +
      'personne et la ou le coach. Refus à l’ouverture : 400 nom invalide, 401 sans session, ' +
      '403 accès ou origine refusés, 404 document introuvable. Fermetures : 1003 message non pris en charge, ' +
      '1007 message illisible, 1009 message trop gros (> 5 Mio), 1011 erreur de stockage, 4401 session terminée, 4403 accès retiré.',
    parameters: [
      {
        name: 'docName',
        in: 'path',
        required: true,
        schema: {
          type: 'string',
          pattern: '^[0-9a-f-]{36}\\.(shared|private|workshop|answers\\.[0-9a-f-]{36})$',
        },
      },
    ],
    security: [{ session: [] }],
    responses: { '101': { description: 'Passage en WebSocket' } },
  },
};

/** Everything under /api: one sub-app per resource, one OpenAPI 3.1 document generated from their schemas. */
export function createApi(services: Services) {
  const api = new OpenAPIHono<AppEnv>().basePath('/api');
  api.onError(errorHandler(services.log));
  api.use('*', csrfGuard(services.publicUrl));
  const jsonLimit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => c.json({ error: `Le corps de la requête dépasse ${MAX_BODY_BYTES / 1024} Kio.` }, 413),
  });
  // An upload may carry a 10 MiB file plus the multipart framing; the file's own size is checked after.
  const uploadLimit = bodyLimit({
    maxSize: FILE_MAX_BYTES + MAX_BODY_BYTES,
    onError: (c) => c.json(FILE_TOO_BIG, 413),
  });
  api.use('*', (c, next) => (isMultipartUpload(c) ? uploadLimit(c, next) : jsonLimit(c, next)));
  api.use('*', sessionLoader(services));
  // A closed accompaniment takes no more changes (CLOSE5).
  api.use('*', closedGuard(services));

  api.route('/', healthRoutes());
  api.route('/', authRoutes(services));
  api.route('/accompaniments', accompanimentRoutes(services));
  api.route('/accompaniments', synthesisRoutes(services));
  api.route('/accompaniments', messageRoutes(services));
  api.route('/accompaniments', accompanimentAdminRoutes(services));
  api.route('/invitations', invitationRoutes(services));
  api.route('/settings', settingsRoutes(services));
  api.route('/organisation', organisationRoutes(services));
  api.route('/library', libraryRoutes(services));
  api.route('/files', fileRoutes(services));
  // Scheduling (SCHED): their paths span /availability, /appointments, /accompaniments/:id/… and /calendar.
  api.route('/', availabilityRoutes(services));
  api.route('/', appointmentRoutes(services));
  api.route('/', attendanceRoutes(services));
  api.route('/', hoursRoutes(services));
  api.route('/', calendarRoutes(services));
  api.route('/workshops', workshopRoutes(services));
  api.route('/reports', reportRoutes(services));
  // Satisfaction surveys (SURVEY): /surveys, /accompaniments/:id/surveys and /reports/satisfaction.
  api.route('/', surveyRoutes(services));
  // Evidence, audit, closing, RGPD (EVID, AUDIT, CLOSE, RGPD).
  api.route('/', evidenceRoutes(services));
  api.route('/audit', auditRoutes(services));
  api.route('/', closingRoutes(services));
  api.route('/', rgpdRoutes(services));
  // Test-only: exists only with a controllable clock (CLOCK1); otherwise the path is an unknown route.
  if (services.clockControl) api.route('/test', testClockRoutes(services.clockControl));

  api.openAPIRegistry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: 'compagnon_session',
    description: 'Cookie de session posé par sign-up, sign-in ou l’acceptation d’une invitation',
  });
  // Generated once from the routes' own schemas; /sync lives outside /api, so it is added afterwards.
  let document: object | null = null;
  api.get('/openapi.json', (c) => {
    if (!document) {
      const generated = api.getOpenAPI31Document(OPENAPI_INFO);
      document = {
        ...generated,
        paths: {
          ...generated.paths,
          '/sync/{docName}': SYNC_PATH,
          '/call/{appointmentId}': CALL_OPENAPI_PATH,
        },
      };
    }
    return c.json(document);
  });

  api.all('*', (c) => c.json({ error: 'Ressource inconnue.' }, 404));
  return api;
}
