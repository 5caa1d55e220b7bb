import { createRoute, z } from '@hono/zod-openapi';
import type { AdjustableClock } from '../clock/clock.ts';
import { newRouter } from './router.ts';
import { errorResponse } from './schemas.ts';

const TEN_YEARS_MS = 10 * 366 * 24 * 3600_000;

const advance = createRoute({
  method: 'post',
  path: '/clock',
  tags: ['Tests'],
  summary: 'Avancer l’horloge du serveur (seulement avec COMPAGNON_CLOCK_CONTROL=1, pour les tests)',
  request: {
    body: {
      content: {
        'application/json': {
          schema: z
            .object({
              advanceMs: z
                .number({ error: 'durée en millisecondes attendue' })
                .int({ error: 'durée entière attendue' })
                .min(0, { error: 'l’horloge ne recule pas' })
                .max(TEN_YEARS_MS, { error: 'au plus dix ans' }),
            })
            .openapi('ClockAdvance'),
        },
      },
      required: true,
    },
  },
  responses: {
    200: {
      description: 'Heure du serveur après l’avance',
      content: { 'application/json': { schema: z.object({ now: z.string() }).openapi('ClockNow') } },
    },
    400: errorResponse('Données invalides'),
  },
});

/** Test-only (CLOCK1): mounted only when the server runs with a controllable clock. */
export function testClockRoutes(clock: AdjustableClock) {
  const app = newRouter();
  app.openapi(advance, (c) => {
    const now = clock.advance(c.req.valid('json').advanceMs);
    return c.json({ now: new Date(now).toISOString() }, 200);
  });
  return app;
}
