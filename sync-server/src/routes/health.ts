import { createRoute, z } from '@hono/zod-openapi';
import { newRouter } from './router.ts';

const health = createRoute({
  method: 'get',
  path: '/health',
  tags: ['Serveur'],
  summary: 'Le serveur répond',
  responses: {
    200: {
      description: 'En service',
      content: { 'application/json': { schema: z.object({ ok: z.literal(true) }).openapi('Health') } },
    },
  },
});

export function healthRoutes() {
  return newRouter().openapi(health, (c) => c.json({ ok: true as const }, 200));
}
