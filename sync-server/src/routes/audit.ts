// The organisation's audit log (AUDIT1–AUDIT3): `audit()` records an important action from the route that
// performed it; `GET /api/audit` shows the log to the organisation's manager.
import { createRoute, z } from '@hono/zod-openapi';
import type { AuditInput } from '../storage/audit.ts';
import type { Services } from './context.ts';
import { newRouter } from './router.ts';
import { errorResponse } from './schemas.ts';

/**
 * Appends an entry to the audit log at the server clock. Called after the action succeeded; a failure to
 * record is logged and never undoes or refuses the action itself.
 */
export async function audit(
  services: Pick<Services, 'storage' | 'clock' | 'log'>,
  entry: Omit<AuditInput, 'at'>,
): Promise<void> {
  try {
    await services.storage.audit.record({ ...entry, at: services.clock.now() });
  } catch (error) {
    services.log.error(`Journal d’audit : « ${entry.action} » non enregistré`, error);
  }
}

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` (a whole day, UTC) or an ISO instant; null when unreadable. */
function instant(value: string, endOfDay: boolean): number | null {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const day = Date.parse(`${value}T00:00:00Z`);
    return Number.isNaN(day) ? null : endOfDay ? day + DAY_MS : day;
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

const dateParam = (what: string) =>
  z
    .string()
    .max(40)
    .refine((s) => instant(s, false) !== null, {
      error: `${what} : date AAAA-MM-JJ ou date et heure ISO 8601 attendue`,
    })
    .optional();

const AuditQuery = z.object({
  from: dateParam('from').openapi({ param: { name: 'from', in: 'query' }, example: '2026-11-01' }),
  to: dateParam('to').openapi({
    param: { name: 'to', in: 'query' },
    example: '2026-11-30',
    description: 'Jour inclus (ou instant exclu)',
  }),
  actorId: z
    .string()
    .max(100)
    .optional()
    .openapi({ param: { name: 'actorId', in: 'query' } }),
});

const AuditEntrySchema = z
  .object({
    seq: z.number().int(),
    at: z.string().openapi({ description: 'Heure du serveur (ISO 8601)' }),
    actor: z.object({ id: z.string(), name: z.string() }).nullable(),
    action: z.string().openapi({ example: 'appointment.booked' }),
    targetType: z.string().openapi({ example: 'appointment' }),
    targetId: z.string().nullable(),
    summary: z.string(),
  })
  .openapi('AuditEntry');

const list = createRoute({
  method: 'get',
  path: '/',
  tags: ['Traçabilité'],
  summary: 'Le journal d’audit de l’organisation, du plus récent au plus ancien (responsable)',
  request: { query: AuditQuery },
  responses: {
    200: {
      description: 'Journal (1 000 entrées au plus)',
      content: { 'application/json': { schema: z.object({ entries: z.array(AuditEntrySchema) }) } },
    },
    400: errorResponse('Paramètres invalides'),
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé à la personne responsable de l’organisation'),
  },
});

export function auditRoutes(services: Services) {
  const { storage } = services;
  const app = newRouter();

  app.openapi(list, async (c) => {
    const session = c.get('session');
    if (!session) return c.json({ error: 'Non connecté·e.' }, 401);
    const membership = await storage.organisations.membershipOf(session.user.id);
    if (membership?.role !== 'manager')
      return c.json(
        { error: 'Le journal d’audit est réservé à la personne responsable de l’organisation.' },
        403,
      );
    const query = c.req.valid('query');
    const from = query.from ? instant(query.from, false)! : 0;
    const to = query.to ? instant(query.to, true)! : Number.MAX_SAFE_INTEGER;
    if (to <= from) return c.json({ error: 'La fin de la période doit suivre son début.' }, 400);
    const entries = (
      await storage.audit.list(membership.organisation.id, { from, to, actorId: query.actorId ?? null })
    ).map((e) => ({
      seq: e.seq,
      at: new Date(e.at).toISOString(),
      actor: e.actor,
      action: e.action,
      targetType: e.targetType,
      targetId: e.targetId,
      summary: e.summary,
    }));
    return c.json({ entries }, 200);
  });

  return app;
}
