import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, fixture, uniqueEmail, type Fixture } from '../test-support/http.ts';
import {
  DAY,
  OPEN_EVERY_DAY,
  bookOrThrow,
  clockFrom,
  openEveryDay,
  paris,
} from '../test-support/scheduling.ts';
import { startTestServer, type TestServer } from '../test-support/server.ts';

// Monday 19 October 2026, 08:00 in Paris (summer time, UTC+2).
const MONDAY_8AM = '2026-10-19T06:00:00Z';

interface World {
  server: TestServer;
  f: Fixture;
  /** Moves the server clock forward to `iso`. */
  advanceTo(iso: string): void;
}

async function world(startIso: string): Promise<World> {
  const server = await startTestServer({ clock: clockFrom(startIso), clockControl: true });
  const f = await fixture(server.url);
  await openEveryDay(f.coach);
  return {
    server,
    f,
    advanceTo: (iso) => {
      const ms = Date.parse(iso) - server.clock.now();
      if (ms > 0) server.clockControl!.advance(ms);
    },
  };
}

const starts = (reply: { body: { slots: { start: string }[] } }) => reply.body.slots.map((s) => s.start);

describe('[SCHED1] availability', () => {
  let w: World;
  beforeAll(async () => {
    const server = await startTestServer({ clock: clockFrom(MONDAY_8AM), clockControl: true });
    w = { server, f: await fixture(server.url), advanceTo: () => {} };
  });
  afterAll(() => w.server.dispose());

  it('answers the defaults to a coach; 403 to a learner, 401 anonymous', async () => {
    const reply = await w.f.coach.get('/api/availability');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ timeZone: 'Europe/Paris', weekly: [], exceptions: [], reminderHours: 24 });
    expect((await w.f.learner.get('/api/availability')).status).toBe(403);
    expect((await w.f.anonymous.get('/api/availability')).status).toBe(401);
    expect((await w.f.learner.put('/api/availability', OPEN_EVERY_DAY)).status).toBe(403);
  });

  it('refuses invalid availability with 422 and a French message, storing nothing', async () => {
    const cases: [unknown, RegExp][] = [
      [
        {
          weekly: [
            { day: 2, start: '09:00', end: '12:00' },
            { day: 2, start: '11:00', end: '13:00' },
          ],
        },
        /se chevauchent/,
      ],
      [{ weekly: [{ day: 2, start: '12:00', end: '09:00' }] }, /fin doit être après/],
      [{ weekly: [{ day: 2, start: '09:00', end: '09:00' }] }, /fin doit être après/],
      [{ timeZone: 'Mars/Olympus', weekly: [] }, /Fuseau horaire inconnu/],
      [{ weekly: [], exceptions: [{ date: '2026-02-30', available: false }] }, /AAAA-MM-JJ/],
      [{ weekly: [], reminderHours: 200 }, /0 à 168/],
      [{ weekly: 'lundi' }, /Requête invalide/],
    ];
    for (const [body, message] of cases) {
      const reply = await w.f.coach.put('/api/availability', body);
      expect(reply.status, JSON.stringify(body)).toBe(422);
      expect(reply.body.error).toMatch(message);
    }
    expect((await w.f.coach.get('/api/availability')).body.weekly).toEqual([]);
  });

  it('stores and answers a valid availability, with its exceptions and reminder delay', async () => {
    const body = {
      timeZone: 'Europe/Paris',
      weekly: [{ day: 1, start: '09:00', end: '12:00' }],
      exceptions: [{ date: '2026-12-25', available: false, label: 'Noël' }],
      reminderHours: 48,
    };
    const reply = await w.f.coach.put('/api/availability', body);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(body);
    expect((await w.f.coach.get('/api/availability')).body).toEqual(body);
  });
});

describe('[SCHED2] free slots', () => {
  let w: World;
  beforeAll(async () => {
    w = await world(MONDAY_8AM);
  });
  afterAll(() => w.server.dispose());
  const base = () => `/api/accompaniments/${w.f.accompaniment.id}`;

  it('lists 30-minute steps of the coach’s opening hours, in UTC, to the coach and the learner', async () => {
    const q = `from=${paris('2026-10-19', '00:00')}&to=${paris('2026-10-20', '00:00')}&durationMinutes=60`;
    const reply = await w.f.learner.get(`${base()}/slots?${q}`);
    expect(reply.status).toBe(200);
    expect(reply.body.timeZone).toBe('Europe/Paris');
    expect(starts(reply)).toEqual([
      ...['09:00', '09:30', '10:00', '10:30', '11:00'].map((t) => paris('2026-10-19', t)),
      ...['14:00', '14:30', '15:00', '15:30', '16:00', '16:30', '17:00'].map((t) => paris('2026-10-19', t)),
    ]);
    expect(reply.body.slots[0]).toEqual({
      start: '2026-10-19T07:00:00.000Z',
      end: '2026-10-19T08:00:00.000Z',
    });
    expect((await w.f.coach.get(`${base()}/slots?${q}`)).body).toEqual(reply.body);
  });

  it('leaves out what is past', async () => {
    w.advanceTo(paris('2026-10-19', '10:10'));
    const q = `from=${paris('2026-10-19', '00:00')}&to=${paris('2026-10-19', '12:00')}`;
    expect(starts(await w.f.learner.get(`${base()}/slots?${q}`))).toEqual([
      paris('2026-10-19', '10:30'),
      paris('2026-10-19', '11:00'),
    ]);
  });

  it('refuses ranges over 62 days, reversed ranges and bad durations (422); strangers 404', async () => {
    const from = paris('2026-10-20', '00:00');
    const far = new Date(Date.parse(from) + 63 * DAY).toISOString();
    expect((await w.f.learner.get(`${base()}/slots?from=${from}&to=${far}`)).status).toBe(422);
    expect((await w.f.learner.get(`${base()}/slots?from=${from}&to=${from}`)).status).toBe(422);
    expect((await w.f.learner.get(`${base()}/slots?durationMinutes=7`)).status).toBe(422);
    expect((await w.f.learner.get(`${base()}/slots?durationMinutes=500`)).status).toBe(422);
    expect((await w.f.learner.get(`${base()}/slots?from=hier`)).status).toBe(400);
    expect((await w.f.otherCoach.get(`${base()}/slots`)).status).toBe(404);
    expect((await w.f.anonymous.get(`${base()}/slots`)).status).toBe(401);
  });
});

describe('[SCHED3] booking', () => {
  let w: World;
  beforeAll(async () => {
    w = await world(MONDAY_8AM);
  });
  afterAll(() => w.server.dispose());

  it('of 24 parallel bookings of one slot, exactly one gets 201 and the others 409', async () => {
    const start = paris('2026-10-20', '10:00');
    const agents = Array.from({ length: 24 }, (_, i) => (i % 3 === 0 ? w.f.coach : w.f.learner));
    const replies = await Promise.all(
      agents.map((agent) =>
        agent.post('/api/appointments', {
          accompanimentId: w.f.accompaniment.id,
          start,
          durationMinutes: 60,
          mode: 'video',
        }),
      ),
    );
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(23);
    const refused = replies.find((r) => r.status === 409)!;
    expect(refused.body.error).toBe('Ce créneau vient d’être réservé. Choisissez-en un autre.');
    const booked = replies.find((r) => r.status === 201)!.body;
    expect(booked).toMatchObject({
      accompanimentId: w.f.accompaniment.id,
      start: '2026-10-20T08:00:00.000Z',
      end: '2026-10-20T09:00:00.000Z',
      durationMinutes: 60,
      mode: 'video',
      status: 'booked',
      cancelReason: null,
      countedMinutes: null,
      phase: 'Phase préliminaire',
      sequence: 0,
      calls: [],
      attendance: [],
    });
    const list = await w.f.learner.get(`/api/accompaniments/${w.f.accompaniment.id}/appointments`);
    expect(list.body.appointments).toHaveLength(1);
    expect((await w.server.storage.sql.get('SELECT count(*) AS n FROM appointments'))?.['n']).toBe(1);
  });

  it('refuses an overlapping slot of the same coach (409), even from another accompaniment', async () => {
    const overlap = await w.f.learner.post('/api/appointments', {
      accompanimentId: w.f.accompaniment.id,
      start: paris('2026-10-20', '10:30'),
      durationMinutes: 60,
      mode: 'phone',
    });
    expect(overlap.status).toBe(409);
    const other = await w.f.coach.post('/api/accompaniments', {
      title: 'Autre',
      kind: 'coaching',
      hoursBudget: 10,
    });
    const fromOther = await w.f.coach.post('/api/appointments', {
      accompanimentId: other.body.id,
      start: paris('2026-10-20', '09:15'),
      durationMinutes: 60,
      mode: 'onsite',
    });
    expect(fromOther.status).toBe(409);
    // Back to back is fine.
    await bookOrThrow(w.f.coach, other.body.id, paris('2026-10-20', '11:00'), { mode: 'onsite' });
  });

  it('takes booked slots out of the free slots', async () => {
    const q = `from=${paris('2026-10-20', '00:00')}&to=${paris('2026-10-20', '13:00')}`;
    const reply = await w.f.learner.get(`/api/accompaniments/${w.f.accompaniment.id}/slots?${q}`);
    expect(starts(reply)).toEqual([paris('2026-10-20', '09:00')]);
  });

  it('refuses bad durations, past, misaligned and out-of-hours starts with 422', async () => {
    const book = (start: string, durationMinutes = 60) =>
      w.f.learner.post('/api/appointments', {
        accompanimentId: w.f.accompaniment.id,
        start,
        durationMinutes,
        mode: 'video',
      });
    const cases: [string, number, RegExp][] = [
      [paris('2026-10-21', '09:00'), 10, /15 minutes à 8 heures/],
      [paris('2026-10-21', '09:00'), 17, /par pas de 5 minutes/],
      [paris('2026-10-21', '09:00'), 485, /15 minutes à 8 heures/],
      [paris('2026-10-19', '07:00'), 60, /déjà passé/],
      [paris('2026-10-21', '09:03'), 60, /multiple de 5 minutes/],
      [paris('2026-10-21', '11:30'), 60, /en dehors des disponibilités de Coach A/],
      [paris('2026-10-21', '20:00'), 60, /en dehors des disponibilités/],
      [paris('2027-12-01', '09:00'), 60, /un an à l’avance/],
    ];
    for (const [start, minutes, message] of cases) {
      const reply = await book(start, minutes);
      expect(reply.status, `${start} ${minutes}`).toBe(422);
      expect(reply.body.error).toMatch(message);
    }
    expect((await book('demain')).status).toBe(400);
    const badMode = await w.f.learner.post('/api/appointments', {
      accompanimentId: w.f.accompaniment.id,
      start: paris('2026-10-21', '09:00'),
      durationMinutes: 60,
      mode: 'pigeon',
    });
    expect(badMode.status).toBe(400);
  });

  it('is for the learner and the coach of the accompaniment only (404 for others, 401 anonymous)', async () => {
    const body = {
      accompanimentId: w.f.accompaniment.id,
      start: paris('2026-10-22', '09:00'),
      durationMinutes: 60,
      mode: 'video',
    };
    expect((await w.f.otherCoach.post('/api/appointments', body)).status).toBe(404);
    expect((await w.f.anonymous.post('/api/appointments', body)).status).toBe(401);
    expect(
      (await w.f.otherCoach.get(`/api/accompaniments/${w.f.accompaniment.id}/appointments`)).status,
    ).toBe(404);
  });

  it('GET /api/appointments lists the caller’s own, from the day before on, with title and learner', async () => {
    const mine = await w.f.learner.get('/api/appointments');
    expect(mine.status).toBe(200);
    expect(mine.body.appointments).toHaveLength(1);
    expect(mine.body.appointments[0]).toMatchObject({
      accompanimentTitle: 'Bilan de compétences — Test',
      learnerName: 'Léa Test',
    });
    const coach = await w.f.coach.get('/api/appointments');
    expect(coach.body.appointments.map((a: { start: string }) => a.start)).toEqual([
      '2026-10-20T08:00:00.000Z',
      '2026-10-20T09:00:00.000Z',
    ]);
    expect((await w.f.otherCoach.get('/api/appointments')).body.appointments).toEqual([]);
    // Two days later, they are past by more than a day.
    w.advanceTo(paris('2026-10-22', '12:00'));
    expect((await w.f.coach.get('/api/appointments')).body.appointments).toEqual([]);
  });
});

describe('[SCHED12] daylight-saving changes, Europe/Paris', () => {
  it('October 2026: 09:00 local is 07:00Z before the change and 08:00Z after, for slots and bookings', async () => {
    const w = await world('2026-10-22T10:00:00Z');
    try {
      const base = `/api/accompaniments/${w.f.accompaniment.id}`;
      const q = `from=2026-10-24T00:00:00Z&to=2026-10-27T00:00:00Z&durationMinutes=60`;
      const slots = starts(await w.f.learner.get(`${base}/slots?${q}`));
      const firstOfDay = (date: string) => slots.find((s) => s.startsWith(date));
      expect(firstOfDay('2026-10-24')).toBe('2026-10-24T07:00:00.000Z');
      expect(firstOfDay('2026-10-25')).toBe('2026-10-25T08:00:00.000Z');
      expect(firstOfDay('2026-10-26')).toBe('2026-10-26T08:00:00.000Z');
      // Same local day shape on both sides: 12 one-hour slots a day.
      for (const date of ['2026-10-24', '2026-10-25', '2026-10-26'])
        expect(slots.filter((s) => paris(date, '00:00') <= s && s < paris(date, '23:59'))).toHaveLength(12);

      const sunday = await bookOrThrow(w.f.learner, w.f.accompaniment.id, '2026-10-25T08:00:00Z');
      expect(sunday.end).toBe('2026-10-25T09:00:00.000Z');
      // 07:00Z on the Sunday is 08:00 in Paris: before opening.
      const early = await w.f.learner.post('/api/appointments', {
        accompanimentId: w.f.accompaniment.id,
        start: '2026-10-25T07:00:00Z',
        durationMinutes: 60,
        mode: 'video',
      });
      expect(early.status).toBe(422);
      // A booking across the night of the change keeps its local hour once moved over it.
      const saturday = await bookOrThrow(w.f.learner, w.f.accompaniment.id, paris('2026-10-24', '16:00'));
      expect(saturday.start).toBe('2026-10-24T14:00:00.000Z');
      const moved = await w.f.coach.post(`/api/appointments/${saturday.id}/move`, {
        start: paris('2026-10-26', '16:00'),
        reason: 'Changement d’heure',
      });
      expect(moved.status).toBe(200);
      expect(moved.body.start).toBe('2026-10-26T15:00:00.000Z');
    } finally {
      await w.server.dispose();
    }
  });

  it('March 2027: 09:00 local is 08:00Z before the change and 07:00Z after', async () => {
    const w = await world('2027-03-24T10:00:00Z');
    try {
      const base = `/api/accompaniments/${w.f.accompaniment.id}`;
      const q = `from=2027-03-27T00:00:00Z&to=2027-03-30T00:00:00Z&durationMinutes=60`;
      const slots = starts(await w.f.learner.get(`${base}/slots?${q}`));
      const firstOfDay = (date: string) => slots.find((s) => s.startsWith(date));
      expect(firstOfDay('2027-03-27')).toBe('2027-03-27T08:00:00.000Z');
      expect(firstOfDay('2027-03-28')).toBe('2027-03-28T07:00:00.000Z');
      expect(firstOfDay('2027-03-29')).toBe('2027-03-29T07:00:00.000Z');
      const sunday = await bookOrThrow(w.f.learner, w.f.accompaniment.id, '2027-03-28T07:00:00Z');
      expect(sunday.start).toBe('2027-03-28T07:00:00.000Z');
      // 17:00–18:00 local on the Sunday is 15:00Z–16:00Z; 16:00Z would end after closing.
      await bookOrThrow(w.f.learner, w.f.accompaniment.id, '2027-03-28T15:00:00Z');
      const late = await w.f.learner.post('/api/appointments', {
        accompanimentId: w.f.accompaniment.id,
        start: '2027-03-28T16:00:00Z',
        durationMinutes: 60,
        mode: 'video',
      });
      expect(late.status).toBe(422);
    } finally {
      await w.server.dispose();
    }
  });
});

describe('[SCHED4] moving and cancelling', () => {
  let w: World;
  let id: string;
  beforeAll(async () => {
    w = await world(MONDAY_8AM);
    id = (await bookOrThrow(w.f.learner, w.f.accompaniment.id, paris('2026-10-21', '10:00'))).id;
    await bookOrThrow(w.f.learner, w.f.accompaniment.id, paris('2026-10-21', '15:00'));
  });
  afterAll(() => w.server.dispose());

  it('a move is the coach’s, with a reason; it bumps the sequence and is kept in the history', async () => {
    const to = paris('2026-10-21', '14:00');
    expect((await w.f.learner.post(`/api/appointments/${id}/move`, { start: to, reason: 'x' })).status).toBe(
      403,
    );
    expect((await w.f.coach.post(`/api/appointments/${id}/move`, { start: to })).status).toBe(400);
    expect((await w.f.coach.post(`/api/appointments/${id}/move`, { start: to, reason: '  ' })).status).toBe(
      400,
    );
    expect(
      (await w.f.otherCoach.post(`/api/appointments/${id}/move`, { start: to, reason: 'x' })).status,
    ).toBe(404);
    const taken = await w.f.coach.post(`/api/appointments/${id}/move`, {
      start: paris('2026-10-21', '14:30'),
      reason: 'Réunion',
    });
    expect(taken.status).toBe(409);
    const outside = await w.f.coach.post(`/api/appointments/${id}/move`, {
      start: paris('2026-10-21', '19:00'),
      reason: 'Réunion',
    });
    expect(outside.status).toBe(422);
    const moved = await w.f.coach.post(`/api/appointments/${id}/move`, {
      start: to,
      reason: 'Réunion d’équipe',
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ start: to, status: 'booked', sequence: 1 });
    expect(moved.body.history.map((h: { kind: string }) => h.kind)).toEqual(['booked', 'moved']);
    expect(moved.body.history[1]).toMatchObject({
      reason: 'Réunion d’équipe',
      by: { name: 'Coach A' },
      fromStart: paris('2026-10-21', '10:00'),
      toStart: to,
    });
  });

  it('a cancellation by the learner or the coach needs a reason, bumps the sequence and frees the slot', async () => {
    expect((await w.f.learner.post(`/api/appointments/${id}/cancel`, {})).status).toBe(400);
    const cancelled = await w.f.learner.post(`/api/appointments/${id}/cancel`, { reason: 'Malade' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelReason: 'Malade', sequence: 2 });
    expect((await w.f.coach.post(`/api/appointments/${id}/cancel`, { reason: 'Encore' })).status).toBe(409);
    const move = await w.f.coach.post(`/api/appointments/${id}/move`, {
      start: paris('2026-10-22', '09:00'),
      reason: 'Reprise',
    });
    expect(move.status).toBe(422);
    const q = `from=${paris('2026-10-21', '13:00')}&to=${paris('2026-10-21', '15:00')}`;
    const slots = await w.f.learner.get(`/api/accompaniments/${w.f.accompaniment.id}/slots?${q}`);
    expect(starts(slots)).toEqual([paris('2026-10-21', '14:00')]);
    // A cancelled appointment cannot be held.
    w.advanceTo(paris('2026-10-21', '16:30'));
    expect((await w.f.coach.post(`/api/appointments/${id}/held`, {})).status).toBe(422);
  });
});

describe('[SCHED5][SCHED7] held sessions and hours', () => {
  let w: World;
  const ids: string[] = [];
  let coaching: string;
  let coachingIds: string[];
  beforeAll(async () => {
    w = await world(MONDAY_8AM);
    for (const t of ['09:00', '10:00', '11:00', '14:00'])
      ids.push((await bookOrThrow(w.f.learner, w.f.accompaniment.id, paris('2026-10-19', t))).id);
    coaching = (
      await w.f.coach.post('/api/accompaniments', { title: 'Coaching', kind: 'coaching', hoursBudget: 2 })
    ).body.id;
    coachingIds = [
      (
        await bookOrThrow(w.f.coach, coaching, paris('2026-10-19', '15:00'), {
          mode: 'onsite',
          durationMinutes: 120,
        })
      ).id,
    ];
  });
  afterAll(() => w.server.dispose());
  const hours = (acc = w.f.accompaniment.id, agent: Agent = w.f.coach) =>
    agent.get(`/api/accompaniments/${acc}/hours`);

  it('a session is recorded as held by the coach, once it has started by the server clock', async () => {
    const [first] = ids;
    const early = await w.f.coach.post(`/api/appointments/${first}/held`, {});
    expect(early.status).toBe(422);
    expect(early.body.error).toMatch(/pas encore commencé/);
    w.advanceTo(paris('2026-10-19', '09:05'));
    expect((await w.f.learner.post(`/api/appointments/${first}/held`, {})).status).toBe(403);
    expect((await w.f.otherCoach.post(`/api/appointments/${first}/held`, {})).status).toBe(404);
    const noReason = await w.f.coach.post(`/api/appointments/${first}/held`, { minutes: 45 });
    expect(noReason.status).toBe(422);
    expect(noReason.body.error).toMatch(/pourquoi/);
    const held = await w.f.coach.post(`/api/appointments/${first}/held`, {});
    expect(held.status).toBe(201);
    expect(held.body).toMatchObject({ status: 'held', countedMinutes: 60, phase: 'Phase préliminaire' });
    expect((await w.f.coach.post(`/api/appointments/${first}/held`, {})).status).toBe(409);
    // A held session cannot be cancelled or moved.
    expect((await w.f.learner.post(`/api/appointments/${first}/cancel`, { reason: 'x' })).status).toBe(422);
    expect(
      (
        await w.f.coach.post(`/api/appointments/${first}/move`, {
          start: paris('2026-10-20', '09:00'),
          reason: 'x',
        })
      ).status,
    ).toBe(422);
  });

  it('counted minutes are adjusted by the coach with a reason, kept in the history', async () => {
    const [first, second] = ids;
    expect((await w.f.coach.post(`/api/appointments/${first}/duration`, { minutes: 90 })).status).toBe(400);
    expect(
      (await w.f.coach.post(`/api/appointments/${second}/duration`, { minutes: 90, reason: 'x' })).status,
    ).toBe(422);
    expect(
      (await w.f.learner.post(`/api/appointments/${first}/duration`, { minutes: 90, reason: 'x' })).status,
    ).toBe(403);
    const adjusted = await w.f.coach.post(`/api/appointments/${first}/duration`, {
      minutes: 90,
      reason: 'Séance prolongée à la demande de Léa',
    });
    expect(adjusted.status).toBe(200);
    expect(adjusted.body.countedMinutes).toBe(90);
    expect(adjusted.body.history.slice(-2)).toMatchObject([
      { kind: 'held', minutes: 60, previousMinutes: 60, reason: null },
      { kind: 'duration', minutes: 90, previousMinutes: 60, reason: 'Séance prolongée à la demande de Léa' },
    ]);
  });

  it('hours: provider time from held sessions, personal time apart, remaining, per phase', async () => {
    expect(
      (
        await w.f.coach.post(`/api/accompaniments/${w.f.accompaniment.id}/personal-time`, {
          minutes: 30,
          date: '2026-10-18',
        })
      ).status,
    ).toBe(403);
    const bad = await w.f.learner.post(`/api/accompaniments/${w.f.accompaniment.id}/personal-time`, {
      minutes: 30,
      date: '2026-02-30',
    });
    expect(bad.status).toBe(400);
    const added = await w.f.learner.post(`/api/accompaniments/${w.f.accompaniment.id}/personal-time`, {
      minutes: 45,
      date: '2026-10-18',
      note: 'Recherches sur les métiers du paysage',
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      minutes: 45,
      date: '2026-10-18',
      note: 'Recherches sur les métiers du paysage',
    });
    for (const agent of [w.f.coach, w.f.learner]) {
      const reply = await hours(w.f.accompaniment.id, agent);
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({
        contractedMinutes: 1440,
        providerMinutes: 90,
        personalMinutes: 45,
        remainingMinutes: 1350,
        byPhase: [{ phase: 'Phase préliminaire', minutes: 90 }],
        capMinutes: 1440,
        warning: null,
      });
      expect(reply.body.personal).toHaveLength(1);
    }
    expect((await hours(w.f.accompaniment.id, w.f.otherCoach)).status).toBe(404);
    expect((await hours(w.f.accompaniment.id, w.f.anonymous)).status).toBe(401);
  });

  it('a bilan warns from 22 h and refuses to count past 24 h (R6313-4)', async () => {
    w.advanceTo(paris('2026-10-19', '15:10'));
    const [, second, third, fourth] = ids;
    for (const id of [second, third]) {
      const held = await w.f.coach.post(`/api/appointments/${id}/held`, {
        minutes: 660,
        reason: 'Journée d’investigation',
      });
      expect(held.status).toBe(201);
    }
    const reply = await hours();
    expect(reply.body.providerMinutes).toBe(90 + 660 + 660);
    expect(reply.body.remainingMinutes).toBe(30);
    expect(reply.body.warning).toMatch(/23 h 30 déjà comptées sur les 24 h maximum/);
    const over = await w.f.coach.post(`/api/appointments/${fourth}/held`, {});
    expect(over.status).toBe(422);
    expect(over.body.error).toMatch(/24 heures/);
    const adjust = await w.f.coach.post(`/api/appointments/${second}/duration`, {
      minutes: 700,
      reason: 'x',
    });
    expect(adjust.status).toBe(422);
    expect(
      (await w.f.coach.post(`/api/appointments/${fourth}/held`, { minutes: 30, reason: 'Écourtée' })).status,
    ).toBe(201);
    expect((await hours()).body.remainingMinutes).toBe(0);
  });

  it('another kind warns when less than 10 % of the contracted hours remain; no cap', async () => {
    w.advanceTo(paris('2026-10-19', '17:10'));
    const held = await w.f.coach.post(`/api/appointments/${coachingIds[0]}/held`, {
      minutes: 110,
      reason: 'Fin anticipée',
    });
    expect(held.status).toBe(201);
    const reply = await hours(coaching);
    expect(reply.body).toMatchObject({
      contractedMinutes: 120,
      providerMinutes: 110,
      personalMinutes: 0,
      remainingMinutes: 10,
      byPhase: [{ phase: 'Parcours', minutes: 110 }],
      capMinutes: null,
    });
    expect(reply.body.warning).toBe('Il reste 10 min sur les 2 h prévues (moins de 10 %).');
  });
});

describe('[SCHED3] learners of other accompaniments', () => {
  it('cannot see or book another accompaniment’s slots', async () => {
    const w = await world(MONDAY_8AM);
    try {
      const created = await w.f.otherCoach.post('/api/accompaniments', {
        title: 'Autre',
        kind: 'bilan',
        hoursBudget: 10,
      });
      const invite = await w.f.otherCoach.post(`/api/accompaniments/${created.body.id}/invitations`, {
        email: uniqueEmail('l2'),
      });
      const other = new Agent(w.server.url);
      await other.post(`/api/invitations/${invite.body.token}/accept`, {
        name: 'Autre',
        password: 'motdepasse-x',
      });
      expect((await other.get(`/api/accompaniments/${w.f.accompaniment.id}/slots`)).status).toBe(404);
      const booked = await other.post('/api/appointments', {
        accompanimentId: w.f.accompaniment.id,
        start: paris('2026-10-20', '09:00'),
        durationMinutes: 60,
        mode: 'video',
      });
      expect(booked.status).toBe(404);
    } finally {
      await w.server.dispose();
    }
  });
});
