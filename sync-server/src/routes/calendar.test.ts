import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, type Fixture } from '../test-support/http.ts';
import { bookOrThrow, clockFrom, openEveryDay, paris } from '../test-support/scheduling.ts';
import { startTestServer, type TestServer } from '../test-support/server.ts';

let server: TestServer;
let f: Fixture;
const ids: Record<string, string> = {};

beforeAll(async () => {
  // Monday 19 October 2026, 08:00 in Paris: the change to winter time comes on Sunday 25.
  server = await startTestServer({ clock: clockFrom('2026-10-19T06:00:00Z'), clockControl: true });
  f = await fixture(server.url);
  await openEveryDay(f.coach);
  const acc = f.accompaniment.id;
  ids.before = (await bookOrThrow(f.learner, acc, paris('2026-10-23', '10:00'))).id;
  ids.after = (await bookOrThrow(f.learner, acc, paris('2026-10-27', '10:00'), { mode: 'onsite' })).id;
  ids.moved = (await bookOrThrow(f.learner, acc, paris('2026-10-22', '10:00'), { mode: 'phone' })).id;
  ids.cancelled = (await bookOrThrow(f.learner, acc, paris('2026-10-21', '09:00'))).id;
  const moved = await f.coach.post(`/api/appointments/${ids.moved}/move`, {
    start: paris('2026-10-28', '14:00'),
    reason: 'Formation',
  });
  expect(moved.status).toBe(200);
  const cancelled = await f.learner.post(`/api/appointments/${ids.cancelled}/cancel`, {
    reason: 'Empêchement',
  });
  expect(cancelled.status).toBe(200);
});
afterAll(() => server.dispose());

/** Fetches a feed like a calendar application: no cookie. */
async function fetchFeed(url: string): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

/** Parses a feed with ical.js, its VTIMEZONE registered as a calendar application would. */
function parseFeed(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  ICAL.TimezoneService.reset();
  for (const vtz of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(vtz);
  const events = new Map<string, ICAL.Event>();
  for (const vevent of calendar.getAllSubcomponents('vevent')) {
    const event = new ICAL.Event(vevent);
    events.set(event.uid, event);
  }
  return { calendar, events };
}

describe('[SCHED9] the calendar feed', () => {
  let url: string;

  it('GET /api/calendar creates the private address once', async () => {
    const first = await f.coach.get('/api/calendar');
    expect(first.status).toBe(200);
    expect(first.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.body.url).toBe(`${server.url}/api/calendar/${first.body.token}.ics`);
    expect((await f.coach.get('/api/calendar')).body).toEqual(first.body);
    expect((await f.anonymous.get('/api/calendar')).status).toBe(401);
    url = first.body.url;
  });

  it('first calls at the same time all get the one address that stays valid', async () => {
    const replies = await Promise.all(Array.from({ length: 6 }, () => f.learner.get('/api/calendar')));
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const tokens = new Set(replies.map((r) => r.body.token as string));
    expect(tokens.size).toBe(1);
    expect((await fetchFeed(replies[0]!.body.url)).status).toBe(200);
  });

  it('serves valid iCalendar without a session; ical.js reads local times with their TZID across the change', async () => {
    const feed = await fetchFeed(url);
    expect(feed.status).toBe(200);
    expect(feed.type).toBe('text/calendar; charset=utf-8');
    expect(feed.text.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    const { calendar, events } = parseFeed(feed.text);
    expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
    expect(calendar.getFirstSubcomponent('vtimezone')?.getFirstPropertyValue('tzid')).toBe('Europe/Paris');
    expect(events.size).toBe(4);

    const expectations: [string, string, number, number, string][] = [
      // key, UTC instant, local hour, local minute, zone offset in force
      ['before', '2026-10-23T08:00:00.000Z', 10, 0, '+02:00'],
      ['after', '2026-10-27T09:00:00.000Z', 10, 0, '+01:00'],
      ['moved', '2026-10-28T13:00:00.000Z', 14, 0, '+01:00'],
    ];
    for (const [key, utc, hour, minute, offset] of expectations) {
      const event = events.get(`${ids[key]}@compagnon`)!;
      expect(event, key).toBeDefined();
      const start = event.startDate;
      expect(event.component.getFirstProperty('dtstart')?.getParameter('tzid'), key).toBe('Europe/Paris');
      expect([start.hour, start.minute], key).toEqual([hour, minute]);
      // The VTIMEZONE defines the offset: the instant comes out right on both sides of the change.
      expect(start.toJSDate().toISOString(), key).toBe(utc);
      expect(start.zone?.tzid).toBe('Europe/Paris');
      expect(start.utcOffset() / 3600, key).toBe(Number(offset.slice(0, 3)));
      expect(event.endDate.toJSDate().getTime() - start.toJSDate().getTime()).toBe(3_600_000);
      expect(event.summary).toBe('Rendez-vous avec Léa Test');
    }
    const before = events.get(`${ids.before}@compagnon`)!;
    expect(before.location).toBe('Visio (Compagnon)');
    expect(before.description).toContain('Accompagnement : « Bilan de compétences — Test »');
    expect(before.component.getFirstPropertyValue('status')).toBe('CONFIRMED');
    expect(before.sequence).toBe(0);
    const moved = events.get(`${ids.moved}@compagnon`)!;
    expect(moved.sequence).toBe(1);
    expect(moved.location).toBe('Téléphone');
    const cancelled = events.get(`${ids.cancelled}@compagnon`)!;
    expect(cancelled.component.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(cancelled.sequence).toBe(1);
  });

  it('the learner’s own feed shows the same appointments with the coach’s name', async () => {
    const mine = await f.learner.get('/api/calendar');
    expect(mine.body.token).not.toBe(url.split('/').at(-1)!.replace('.ics', ''));
    const { events } = parseFeed((await fetchFeed(mine.body.url)).text);
    expect(events.size).toBe(4);
    const after = events.get(`${ids.after}@compagnon`)!;
    expect(after.summary).toBe('Rendez-vous avec Coach A');
    expect(after.startDate.toJSDate().toISOString()).toBe('2026-10-27T09:00:00.000Z');
    expect(after.location).toBe('Sur place');
    // Another coach's feed has none of them.
    const other = await f.otherCoach.get('/api/calendar');
    expect(parseFeed((await fetchFeed(other.body.url)).text).events.size).toBe(0);
  });

  it('a reset gives a new address; the old one answers 404 at once; unknown tokens 404', async () => {
    const reset = await f.coach.post('/api/calendar/reset');
    expect(reset.status).toBe(200);
    expect(reset.body.url).not.toBe(url);
    expect((await fetchFeed(url)).status).toBe(404);
    expect((await fetchFeed(reset.body.url)).status).toBe(200);
    expect((await f.coach.get('/api/calendar')).body.url).toBe(reset.body.url);
    expect((await fetchFeed(`${server.url}/api/calendar/${'x'.repeat(43)}.ics`)).status).toBe(404);
    expect((await fetchFeed(`${server.url}/api/calendar/pas-un-jeton.ics`)).status).toBe(404);
    expect((await fetchFeed(reset.body.url.replace('.ics', ''))).status).toBe(404);
    expect((await f.anonymous.post('/api/calendar/reset')).status).toBe(401);
  });
});
