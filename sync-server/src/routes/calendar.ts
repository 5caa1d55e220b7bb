// The private calendar feed (SCHED9): a secret address per person that any calendar application can
// subscribe to without a session; resetting it makes the old address answer 404 at once.
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { isWellFormedToken, newToken } from '../auth/tokens.ts';
import { calendarFeed, type CalendarEvent } from '../scheduling/ics.ts';
import { DEFAULT_TIME_ZONE } from '../scheduling/zoned.ts';
import type { Appointment, AppointmentMode } from '../storage/appointments.ts';
import type { AppEnv, Services } from './context.ts';
import { newRouter } from './router.ts';
import { DAY, UNAUTHENTICATED } from './scheduling-shared.ts';
import { errorResponse } from './schemas.ts';

/** Past appointments stay in the feed this long. */
const FEED_PAST_DAYS = 90;

const LOCATIONS: Record<AppointmentMode, string> = {
  video: 'Visio (Compagnon)',
  onsite: 'Sur place',
  phone: 'Téléphone',
};

const FeedSchema = z
  .object({
    token: z.string(),
    url: z.string().openapi({ example: 'https://compagnon.exemple.fr/api/calendar/…ics' }),
  })
  .openapi('CalendarFeed');

const get = createRoute({
  method: 'get',
  path: '/calendar',
  tags: ['Rendez-vous'],
  summary: 'L’adresse privée de mon agenda (iCalendar), créée au premier appel',
  responses: {
    200: { description: 'Adresse', content: { 'application/json': { schema: FeedSchema } } },
    401: errorResponse('Non connecté·e'),
  },
});

const reset = createRoute({
  method: 'post',
  path: '/calendar/reset',
  tags: ['Rendez-vous'],
  summary: 'Changer l’adresse privée de mon agenda : l’ancienne cesse de fonctionner',
  responses: {
    200: { description: 'Nouvelle adresse', content: { 'application/json': { schema: FeedSchema } } },
    401: errorResponse('Non connecté·e'),
  },
});

const feed = createRoute({
  method: 'get',
  path: '/calendar/{file}',
  tags: ['Rendez-vous'],
  summary: 'Le flux iCalendar (sans session : l’adresse elle-même est le secret)',
  security: [],
  request: {
    params: z.object({
      file: z
        .string()
        .max(100)
        .openapi({ param: { name: 'file', in: 'path' }, example: '<jeton>.ics' }),
    }),
  },
  responses: {
    200: {
      description: 'Agenda',
      content: { 'text/calendar': { schema: { type: 'string' } } },
    },
    404: errorResponse('Adresse inconnue'),
  },
});

const NOT_FOUND = { error: 'Agenda introuvable : cette adresse a peut-être été changée.' };

export function calendarRoutes(services: Services) {
  const { storage, clock } = services;
  const app = newRouter();

  const base = (c: Context<AppEnv>) => services.publicUrl ?? new URL(c.req.url).origin;
  const answer = (c: Context<AppEnv>, token: string) => ({
    token,
    url: `${base(c)}/api/calendar/${token}.ics`,
  });

  /** The zone the feed writes times in: the coach's own, or the learner's coach's. */
  async function zoneFor(userId: string, role: 'coach' | 'learner', events: Appointment[]): Promise<string> {
    const coachId =
      role === 'coach'
        ? userId
        : (events[0]?.coach.id ?? (await storage.accompaniments.listForLearner(userId))[0]?.coach.id);
    return coachId ? (await storage.availabilities.get(coachId)).timeZone : DEFAULT_TIME_ZONE;
  }

  app.openapi(get, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    // Two first calls at once must not each create an address, the second silently replacing the first.
    const token = await storage.transaction(async () => {
      const existing = await storage.calendarFeeds.token(session.user.id);
      if (existing) return existing;
      const created = newToken();
      await storage.calendarFeeds.set(session.user.id, created, clock.now());
      return created;
    });
    return c.json(answer(c, token), 200);
  });

  app.openapi(reset, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const token = newToken();
    await storage.calendarFeeds.set(session.user.id, token, clock.now());
    return c.json(answer(c, token), 200);
  });

  app.openapi(feed, async (c) => {
    const file = c.req.valid('param').file;
    const token = file.endsWith('.ics') ? file.slice(0, -4) : '';
    const userId = isWellFormedToken(token) ? await storage.calendarFeeds.owner(token) : null;
    const user = userId ? await storage.users.findById(userId) : null;
    if (!user) return c.json(NOT_FOUND, 404);
    const now = clock.now();
    const appointments = await storage.appointments.listForCalendar(user.id, now - FEED_PAST_DAYS * DAY);
    const timeZone = await zoneFor(user.id, user.role, appointments);
    const workshopUrl = (id: string) => `${base(c)}/ateliers/${encodeURIComponent(id)}`;
    // A group session's video call is outside Compagnon (SCHED10 stays 1:1): its link is the location.
    const where = (mode: AppointmentMode, location: string | null) => {
      const how = mode === 'video' ? 'Visio' : LOCATIONS[mode];
      return location ? `${how} — ${location}` : how;
    };
    // A group session is the coach's once, under the group's own UID; each learner keeps their own
    // appointment (SCHED14).
    const events: CalendarEvent[] = appointments
      .filter((a) => !(a.group && a.coach.id === user.id))
      .map((a) => {
        if (a.group)
          return {
            uid: `${a.id}@compagnon`,
            start: a.start,
            end: a.end,
            summary: `Séance collective « ${a.group.workshopTitle} » avec ${a.coach.name}`,
            description:
              `Atelier : « ${a.group.workshopTitle} »\n${workshopUrl(a.group.workshopId)}` +
              (a.cancelReason ? `\nAnnulé : ${a.cancelReason}` : ''),
            location: where(a.mode, a.group.location),
            status: a.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED',
            sequence: a.sequence,
            updatedAt: a.updatedAt,
          };
        const withWhom = a.coach.id === user.id ? (a.learner?.name ?? a.accompanimentTitle) : a.coach.name;
        return {
          uid: `${a.id}@compagnon`,
          start: a.start,
          end: a.end,
          summary: `Rendez-vous avec ${withWhom}`,
          description:
            `Accompagnement : « ${a.accompanimentTitle} »\n` +
            `${base(c)}/accompagnements/${encodeURIComponent(a.accompanimentId)}` +
            (a.cancelReason ? `\nAnnulé : ${a.cancelReason}` : ''),
          location: LOCATIONS[a.mode],
          status: a.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED',
          sequence: a.sequence,
          updatedAt: a.updatedAt,
        };
      });
    if (user.role === 'coach')
      for (const g of await storage.appointments.groupsForCalendar(user.id, now - FEED_PAST_DAYS * DAY))
        events.push({
          uid: `group-${g.id}@compagnon`,
          start: g.start,
          end: g.end,
          summary: `Séance collective « ${g.workshopTitle} »`,
          description:
            `Atelier : « ${g.workshopTitle} »\n${workshopUrl(g.workshopId)}` +
            (g.cancelReason ? `\nAnnulée : ${g.cancelReason}` : ''),
          location: where(g.mode, g.location),
          status: g.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED',
          sequence: g.sequence,
          updatedAt: g.updatedAt,
        });
    events.sort((x, y) => x.start - y.start);
    const body = calendarFeed({ name: `Compagnon — ${user.name}`, timeZone, events, now });
    c.header('Content-Type', 'text/calendar; charset=utf-8');
    c.header('Content-Disposition', 'inline; filename="compagnon.ics"');
    return c.body(body, 200);
  });

  return app;
}
