import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, type Fixture } from '../test-support/http.ts';
import { clockFrom, openEveryDay, paris } from '../test-support/scheduling.ts';
import { startTestServer, type TestServer } from '../test-support/server.ts';

// Monday 19 October 2026, 08:00 in Paris.
const MONDAY_8AM = '2026-10-19T06:00:00Z';

let server: TestServer;
let f: Fixture;

beforeAll(async () => {
  server = await startTestServer({ clock: clockFrom(MONDAY_8AM), clockControl: true });
  f = await fixture(server.url);
  await openEveryDay(f.coach);
});
afterAll(() => server.dispose());

const DEFAULT_TYPE = {
  id: 'entretien-individuel',
  label: 'Entretien individuel',
  kind: 'individual',
  durationMinutes: 60,
  mode: 'video',
};

describe('[SCHED13] appointment types', () => {
  it('answers the default type to a coach; 403 to a learner, 401 anonymous', async () => {
    const reply = await f.coach.get('/api/appointment-types');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ types: [DEFAULT_TYPE] });
    expect((await f.learner.get('/api/appointment-types')).status).toBe(403);
    expect((await f.learner.put('/api/appointment-types', { types: [DEFAULT_TYPE] })).status).toBe(403);
    expect((await f.anonymous.get('/api/appointment-types')).status).toBe(401);
  });

  it('refuses invalid types with 422 and a French message, storing nothing', async () => {
    const ok = { label: 'Entretien', kind: 'individual', durationMinutes: 60, mode: 'video' };
    const cases: [unknown, RegExp][] = [
      [{ types: [] }, /De 1 à 20 types/],
      [{ types: Array.from({ length: 21 }, (_, i) => ({ ...ok, label: `Type ${i}` })) }, /De 1 à 20 types/],
      [{ types: [{ ...ok, label: '   ' }] }, /Type n° 1 : donnez-lui un nom/],
      [{ types: [{ ...ok, label: 'x'.repeat(101) }] }, /nom trop long/],
      [{ types: [ok, { ...ok, label: 'entretien' }] }, /Deux types portent le nom « entretien »/],
      [{ types: [{ ...ok, kind: 'duo' }] }, /individuel ou collectif/],
      [{ types: [{ ...ok, durationMinutes: 62 }] }, /par pas de 5 minutes/],
      [{ types: [{ ...ok, durationMinutes: 600 }] }, /15 minutes à 8 heures/],
      [{ types: [{ ...ok, mode: 'pigeon' }] }, /modalité attendue/],
      [{ types: [{ ...ok, id: 'pas bon !' }] }, /identifiant invalide/],
      [
        {
          types: [
            { ...ok, id: 'a' },
            { ...ok, id: 'a', label: 'Autre' },
          ],
        },
        /identifiant déjà utilisé/,
      ],
      [{ types: [{ ...ok, kind: 'group', label: 'Atelier' }] }, /au moins un type individuel/],
      [{ types: 'entretien' }, /Requête invalide/],
    ];
    for (const [body, message] of cases) {
      const reply = await f.coach.put('/api/appointment-types', body);
      expect(reply.status, JSON.stringify(body).slice(0, 120)).toBe(422);
      expect(reply.body.error).toMatch(message);
    }
    expect((await f.coach.get('/api/appointment-types')).body).toEqual({ types: [DEFAULT_TYPE] });
  });

  it('stores valid types, keeping given ids and giving new ones an id', async () => {
    const reply = await f.coach.put('/api/appointment-types', {
      types: [
        {
          id: 'entretien-long',
          label: ' Entretien  individuel ',
          kind: 'individual',
          durationMinutes: 90,
          mode: 'video',
        },
        { label: 'Atelier collectif', kind: 'group', durationMinutes: 180, mode: 'onsite' },
        { label: 'Point téléphonique', kind: 'individual', durationMinutes: 30, mode: 'phone' },
      ],
    });
    expect(reply.status).toBe(200);
    const types = reply.body.types as { id: string; label: string; kind: string }[];
    expect(types.map((t) => t.label)).toEqual([
      'Entretien individuel',
      'Atelier collectif',
      'Point téléphonique',
    ]);
    expect(types[0]!.id).toBe('entretien-long');
    expect(types[1]!.id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await f.coach.get('/api/appointment-types')).body).toEqual(reply.body);
  });

  it('offers the learner (and the coach) only the individual types of the accompaniment’s coach', async () => {
    const path = `/api/accompaniments/${f.accompaniment.id}/appointment-types`;
    const reply = await f.learner.get(path);
    expect(reply.status).toBe(200);
    expect(reply.body.types.map((t: { label: string }) => t.label)).toEqual([
      'Entretien individuel',
      'Point téléphonique',
    ]);
    expect(reply.body.types.every((t: { kind: string }) => t.kind === 'individual')).toBe(true);
    expect((await f.coach.get(path)).body).toEqual(reply.body);
    expect((await f.otherCoach.get(path)).status).toBe(404);
    expect((await f.anonymous.get(path)).status).toBe(401);
  });

  it('books with a type: its duration, mode and label apply; a group or unknown type is refused', async () => {
    const types = (await f.coach.get('/api/appointment-types')).body.types as {
      id: string;
      kind: string;
      mode: string;
    }[];
    const phone = types.find((t) => t.mode === 'phone')!;
    const group = types.find((t) => t.kind === 'group')!;
    const booked = await f.learner.post('/api/appointments', {
      accompanimentId: f.accompaniment.id,
      start: paris('2026-10-20', '09:00'),
      typeId: phone.id,
    });
    expect(booked.status).toBe(201);
    expect(booked.body).toMatchObject({
      durationMinutes: 30,
      mode: 'phone',
      typeLabel: 'Point téléphonique',
      group: null,
      end: new Date(Date.parse(paris('2026-10-20', '09:30'))).toISOString(),
    });
    for (const typeId of [group.id, 'inconnu']) {
      const refused = await f.learner.post('/api/appointments', {
        accompanimentId: f.accompaniment.id,
        start: paris('2026-10-20', '10:00'),
        typeId,
      });
      expect(refused.status).toBe(422);
      expect(refused.body.error).toMatch(/n’est plus proposé/);
    }
    // Without a type, a duration and a mode are still needed (the coach's free form).
    const bare = await f.coach.post('/api/appointments', {
      accompanimentId: f.accompaniment.id,
      start: paris('2026-10-20', '10:00'),
    });
    expect(bare.status).toBe(400);
    expect(bare.body.error).toMatch(/une durée et une modalité/);
    const free = await f.coach.post('/api/appointments', {
      accompanimentId: f.accompaniment.id,
      start: paris('2026-10-20', '10:00'),
      durationMinutes: 45,
      mode: 'onsite',
    });
    expect(free.status).toBe(201);
    expect(free.body.typeLabel).toBeNull();
  });
});
