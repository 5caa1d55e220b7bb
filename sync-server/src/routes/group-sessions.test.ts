import ICAL from 'ical.js';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlValue } from '../storage/sql.ts';
import { Agent, fixture, uniqueEmail, type Fixture } from '../test-support/http.ts';
import { bookOrThrow, clockFrom, openEveryDay, paris } from '../test-support/scheduling.ts';
import { startTestServer, type TestServer } from '../test-support/server.ts';
import { startMailCatcher, type CaughtMail } from '../test-support/smtp.ts';

// Monday 19 October 2026, 08:00 in Paris.
const MONDAY_8AM = '2026-10-19T06:00:00Z';

let server: TestServer;
let f: Fixture;
/** A second learner of coach A, in an accompaniment of their own. */
let karim: { agent: Agent; id: string; accompanimentId: string };
let workshopId: string;

async function learnerOf(coach: Agent, name: string, kind = 'coaching', baseUrl = server.url) {
  const created = await coach.post('/api/accompaniments', {
    title: `Accompagnement ${name}`,
    kind,
    hoursBudget: 10,
  });
  expect(created.status).toBe(201);
  const invite = await coach.post(`/api/accompaniments/${created.body.id}/invitations`, {
    email: uniqueEmail('learner'),
  });
  const agent = new Agent(baseUrl);
  const accepted = await agent.post(`/api/invitations/${invite.body.token}/accept`, {
    name,
    password: 'motdepasse-l',
  });
  expect(accepted.status).toBe(201);
  return { agent, id: accepted.body.id as string, accompanimentId: created.body.id as string };
}

function advanceTo(iso: string): void {
  const ms = Date.parse(iso) - server.clock.now();
  if (ms > 0) server.clockControl!.advance(ms);
}

const sessions = (workshop = workshopId) => `/api/workshops/${workshop}/sessions`;

async function plan(body: Record<string, unknown>, agent = f.coach, workshop = workshopId) {
  return agent.post(sessions(workshop), body);
}

async function planOrThrow(start: string, extra: Record<string, unknown> = {}) {
  const reply = await plan({ start, durationMinutes: 120, mode: 'onsite', location: 'Salle 2', ...extra });
  if (reply.status !== 201) throw new Error(`plan ${reply.status}: ${reply.text}`);
  return reply.body as {
    id: string;
    participants: { userId: string; appointmentId: string; accompanimentId: string; status: string }[];
  };
}

const count = async (sql: string, ...params: SqlValue[]): Promise<number> =>
  Number((await server.storage.sql.get(sql, ...params))?.['n']);

beforeAll(async () => {
  server = await startTestServer({ clock: clockFrom(MONDAY_8AM), clockControl: true });
  f = await fixture(server.url);
  karim = await learnerOf(f.coach, 'Karim Benali');
  await openEveryDay(f.coach);
  const created = await f.coach.post('/api/workshops', { title: 'Atelier CV' });
  expect(created.status).toBe(201);
  workshopId = created.body.id;
  for (const accompanimentId of [f.accompaniment.id, karim.accompanimentId])
    expect(
      (await f.coach.post(`/api/workshops/${workshopId}/participants`, { accompanimentId })).status,
    ).toBe(201);
});
afterAll(() => server.dispose());

describe('[SCHED14] planning a group session', () => {
  it('creates one appointment per participant sharing the group, listed in each accompaniment', async () => {
    const reply = await plan({
      start: paris('2026-10-21', '09:00'),
      durationMinutes: 180,
      mode: 'onsite',
      location: '  Salle 2, 3 rue des Lilas  ',
    });
    expect(reply.status).toBe(201);
    const group = reply.body;
    expect(group).toMatchObject({
      workshopId,
      workshopTitle: 'Atelier CV',
      start: paris('2026-10-21', '09:00'),
      durationMinutes: 180,
      mode: 'onsite',
      location: 'Salle 2, 3 rue des Lilas',
      status: 'booked',
      participantCount: 2,
      mine: null,
    });
    expect(group.participants.map((p: { name: string }) => p.name).sort()).toEqual([
      'Karim Benali',
      'Léa Test',
    ]);
    expect(await count('SELECT count(*) AS n FROM appointments WHERE group_id = ?', group.id)).toBe(2);

    // Each learner finds it in their own accompaniment, marked as a group session, and sees only their own.
    for (const [agent, accompanimentId] of [
      [f.learner, f.accompaniment.id],
      [karim.agent, karim.accompanimentId],
    ] as const) {
      const list = await agent.get(`/api/accompaniments/${accompanimentId}/appointments`);
      expect(list.body.appointments).toHaveLength(1);
      expect(list.body.appointments[0]).toMatchObject({
        start: paris('2026-10-21', '09:00'),
        mode: 'onsite',
        status: 'booked',
        group: {
          id: group.id,
          workshopId,
          workshopTitle: 'Atelier CV',
          location: 'Salle 2, 3 rue des Lilas',
        },
      });
      const seen = await agent.get(sessions());
      expect(seen.status).toBe(200);
      const mine = seen.body.sessions.find((s: { id: string }) => s.id === group.id);
      expect(mine.participants).toEqual([]);
      expect(mine.participantCount).toBe(2);
      expect(mine.mine.accompanimentId).toBe(accompanimentId);
    }
  });

  it('is the workshop coach’s: a participant 403, strangers 404, anonymous 401', async () => {
    const body = { start: paris('2026-10-22', '09:00'), durationMinutes: 60, mode: 'onsite' };
    expect((await plan(body, f.learner)).status).toBe(403);
    expect((await plan(body, f.otherCoach)).status).toBe(404);
    expect((await f.otherCoach.get(sessions())).status).toBe(404);
    expect((await plan(body, f.anonymous)).status).toBe(401);
  });

  it('refuses bad times, durations and types (422), a workshop without participants (422)', async () => {
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{ start: paris('2026-10-19', '07:00'), durationMinutes: 60, mode: 'onsite' }, 422, /déjà passé/],
      [{ start: paris('2026-10-22', '09:03'), durationMinutes: 60, mode: 'onsite' }, 422, /multiple de 5/],
      [
        { start: paris('2026-10-22', '09:00'), durationMinutes: 7, mode: 'onsite' },
        422,
        /15 minutes à 8 heures/,
      ],
      [{ start: paris('2026-10-22', '09:00'), typeId: 'entretien-individuel' }, 422, /type de séance/],
      [{ start: paris('2026-10-22', '09:00') }, 400, /une durée et une modalité/],
      [
        {
          start: paris('2026-10-22', '09:00'),
          durationMinutes: 60,
          mode: 'onsite',
          location: 'x'.repeat(501),
        },
        400,
        /500/,
      ],
    ];
    for (const [body, status, message] of cases) {
      const reply = await plan(body);
      expect(reply.status, JSON.stringify(body).slice(0, 100)).toBe(status);
      expect(reply.body.error).toMatch(message);
    }
    const empty = await f.coach.post('/api/workshops', { title: 'Atelier vide' });
    const none = await plan(
      { start: paris('2026-10-22', '09:00'), durationMinutes: 60, mode: 'onsite' },
      f.coach,
      empty.body.id,
    );
    expect(none.status).toBe(422);
    expect(none.body.error).toMatch(/ajoutez d’abord des participant·es/);
  });

  it('takes the duration and mode of a group type of the coach', async () => {
    const types = await f.coach.put('/api/appointment-types', {
      types: [
        { label: 'Entretien individuel', kind: 'individual', durationMinutes: 90, mode: 'video' },
        { label: 'Atelier collectif', kind: 'group', durationMinutes: 180, mode: 'video' },
      ],
    });
    const group = types.body.types[1];
    const reply = await plan({
      start: paris('2026-11-02', '14:00'),
      typeId: group.id,
      location: 'https://visio.exemple.fr/atelier-cv',
    });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ durationMinutes: 180, mode: 'video', typeLabel: 'Atelier collectif' });
    // In-app video stays 1:1: a group session's call goes through the link.
    const child = reply.body.participants[0].appointmentId;
    expect(await callUpgradeStatus(child, f.coach)).toBe(403);
    const cancelled = await f.coach.post(`${sessions()}/${reply.body.id}/cancel`, { reason: 'Test' });
    expect(cancelled.status).toBe(200);
  });

  it('books the whole group or nothing: of parallel requests for one time exactly one succeeds', async () => {
    const start = paris('2026-10-23', '14:00');
    const replies = await Promise.all(
      Array.from({ length: 6 }, () => plan({ start, durationMinutes: 60, mode: 'phone' })),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    expect(
      await count('SELECT count(*) AS n FROM appointment_groups WHERE start_at = ?', Date.parse(start)),
    ).toBe(1);
    expect(await count('SELECT count(*) AS n FROM appointments WHERE start_at = ?', Date.parse(start))).toBe(
      2,
    );
  });
});

describe('[SCHED14] the coach’s time: a group counts once', () => {
  let groupId: string;
  beforeAll(async () => {
    groupId = (await planOrThrow(paris('2026-10-26', '09:00'))).id;
  });

  it('refuses (409) an individual booking over the group, and a group over an individual appointment', async () => {
    const over = await f.learner.post('/api/appointments', {
      accompanimentId: f.accompaniment.id,
      start: paris('2026-10-26', '10:00'),
      durationMinutes: 60,
      mode: 'video',
    });
    expect(over.status).toBe(409);
    await bookOrThrow(f.learner, f.accompaniment.id, paris('2026-10-27', '10:00'));
    const clash = await plan({ start: paris('2026-10-27', '09:30'), durationMinutes: 60, mode: 'onsite' });
    expect(clash.status).toBe(409);
    expect(clash.body.error).toMatch(/chevauche un autre de vos rendez-vous/);
  });

  it('leaves the group out of the free slots once', async () => {
    const q = `from=${paris('2026-10-26', '00:00')}&to=${paris('2026-10-26', '13:00')}`;
    const slots = await f.learner.get(`/api/accompaniments/${f.accompaniment.id}/slots?${q}`);
    expect(slots.body.slots.map((s: { start: string }) => s.start)).toEqual([paris('2026-10-26', '11:00')]);
  });

  it('moves the whole group without conflicting with itself; a child alone is not moved', async () => {
    const moved = await f.coach.post(`${sessions()}/${groupId}/move`, {
      start: paris('2026-10-26', '09:30'),
      reason: 'Salle libre plus tard',
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ start: paris('2026-10-26', '09:30'), sequence: 1 });
    const children = await server.storage.appointments.childrenOf(groupId);
    expect(children.map((a) => new Date(a.start).toISOString())).toEqual([
      paris('2026-10-26', '09:30'),
      paris('2026-10-26', '09:30'),
    ]);
    expect(children.every((a) => a.sequence === 1)).toBe(true);
    const alone = await f.coach.post(`/api/appointments/${children[0]!.id}/move`, {
      start: paris('2026-10-28', '09:00'),
      reason: 'Seul',
    });
    expect(alone.status).toBe(422);
    expect(alone.body.error).toMatch(/depuis la page de l’atelier/);
    expect(
      (
        await f.learner.post(`${sessions()}/${groupId}/move`, {
          start: paris('2026-10-28', '09:00'),
          reason: 'x',
        })
      ).status,
    ).toBe(403);
  });
});

describe('[SCHED15] held, cancelled and withdrawn, hours per participant', () => {
  let groupId: string;
  let children: { learnerId: string; appointmentId: string }[];

  beforeAll(async () => {
    const group = await planOrThrow(paris('2026-10-29', '14:00'));
    groupId = group.id;
    children = group.participants.map((p) => ({ learnerId: p.userId, appointmentId: p.appointmentId }));
  });

  it('is not held before it starts; a child alone cannot be marked held', async () => {
    const early = await f.coach.post(`${sessions()}/${groupId}/held`, {});
    expect(early.status).toBe(422);
    expect(early.body.error).toMatch(/pas encore commencé/);
    const alone = await f.coach.post(`/api/appointments/${children[0]!.appointmentId}/held`, {});
    expect(alone.status).toBe(422);
  });

  it('marks every participant’s appointment held and counts each one’s hours in their accompaniment', async () => {
    advanceTo(paris('2026-10-29', '14:05'));
    const hoursBefore = (await karim.agent.get(`/api/accompaniments/${karim.accompanimentId}/hours`)).body;
    const other = await f.coach.post(`${sessions()}/${groupId}/held`, { minutes: 100 });
    expect(other.status).toBe(422);
    expect(other.body.error).toMatch(/Indiquez pourquoi/);
    const held = await f.coach.post(`${sessions()}/${groupId}/held`, {});
    expect(held.status).toBe(201);
    expect(held.body.status).toBe('held');
    expect(held.body.participants.map((p: { status: string }) => p.status)).toEqual(['held', 'held']);
    expect(held.body.participants.map((p: { countedMinutes: number }) => p.countedMinutes)).toEqual([
      120, 120,
    ]);
    const karimHours = (await karim.agent.get(`/api/accompaniments/${karim.accompanimentId}/hours`)).body;
    expect(karimHours.providerMinutes).toBe(hoursBefore.providerMinutes + 120);
    const leaHours = (await f.learner.get(`/api/accompaniments/${f.accompaniment.id}/hours`)).body;
    expect(leaHours.providerMinutes).toBe(120);
    expect((await f.coach.post(`${sessions()}/${groupId}/held`, {})).status).toBe(409);
    expect((await f.coach.post(`${sessions()}/${groupId}/cancel`, { reason: 'Trop tard' })).status).toBe(422);
  });

  it('the coach signs once for the group; each learner signs their own appointment', async () => {
    const body = { method: 'confirmed', deviceAt: paris('2026-10-29', '16:00') };
    const signed = await f.coach.post(`${sessions()}/${groupId}/attendance`, body);
    expect(signed.status).toBe(201);
    expect(signed.body).toMatchObject({ signed: 2, halfDay: 'pm' });
    expect((await f.coach.post(`${sessions()}/${groupId}/attendance`, body)).status).toBe(409);
    expect((await f.learner.post(`${sessions()}/${groupId}/attendance`, body)).status).toBe(403);
    for (const child of children) {
      const agent = child.learnerId === f.ids.learner ? f.learner : karim.agent;
      const own = await agent.post(`/api/appointments/${child.appointmentId}/attendance`, body);
      expect(own.status).toBe(201);
    }
    const view = (await f.coach.get(sessions())).body.sessions.find((s: { id: string }) => s.id === groupId);
    expect(view.coachSignedHalfDays).toEqual(['pm']);
    expect(view.participants.map((p: { signedHalfDays: string[] }) => p.signedHalfDays)).toEqual([
      ['pm'],
      ['pm'],
    ]);
    // Each accompaniment's chain holds the coach's signature and the learner's, and still verifies.
    for (const accompanimentId of [f.accompaniment.id, karim.accompanimentId]) {
      const verify = await f.coach.get(`/api/accompaniments/${accompanimentId}/attendance/verify`);
      expect(verify.body).toMatchObject({ ok: true });
      const records = await server.storage.attendance.listForAccompaniment(accompanimentId);
      expect(records.map((r) => r.role).sort()).toEqual(['coach', 'learner']);
    }
  });

  it('a learner cancelling only withdraws; the coach cancelling cancels everyone still booked', async () => {
    const group = await planOrThrow(paris('2026-11-03', '09:00'));
    const lea = group.participants.find((p) => p.userId === f.ids.learner)!;
    const withdrawn = await f.learner.post(`/api/appointments/${lea.appointmentId}/cancel`, {
      reason: 'Entretien d’embauche',
    });
    expect(withdrawn.status).toBe(200);
    let view = (await f.coach.get(sessions())).body.sessions.find((s: { id: string }) => s.id === group.id);
    expect(view).toMatchObject({ status: 'booked', participantCount: 1 });
    // The withdrawal frees nothing: the coach still holds the workshop.
    const over = await f.learner.post('/api/appointments', {
      accompanimentId: f.accompaniment.id,
      start: paris('2026-11-03', '09:00'),
      durationMinutes: 60,
      mode: 'video',
    });
    expect(over.status).toBe(409);

    const cancelled = await f.coach.post(`${sessions()}/${group.id}/cancel`, { reason: 'Formateur malade' });
    expect(cancelled.status).toBe(200);
    view = cancelled.body;
    expect(view.status).toBe('cancelled');
    expect(view.participants.map((p: { status: string }) => p.status)).toEqual(['cancelled', 'cancelled']);
    const karimChild = await server.storage.appointments.find(
      group.participants.find((p) => p.userId === karim.id)!.appointmentId,
    );
    expect(karimChild?.cancelReason).toBe('Formateur malade');
    expect((await server.storage.appointments.find(lea.appointmentId))?.cancelReason).toBe(
      'Entretien d’embauche',
    );
    expect((await f.coach.post(`${sessions()}/${group.id}/cancel`, { reason: 'Encore' })).status).toBe(409);
  });

  it('a participant added later joins the sessions to come; one removed leaves them', async () => {
    const group = await planOrThrow(paris('2026-11-05', '09:00'));
    const ines = await learnerOf(f.coach, 'Inès Roux');
    const added = await f.coach.post(`/api/workshops/${workshopId}/participants`, {
      accompanimentId: ines.accompanimentId,
    });
    expect(added.status).toBe(201);
    const list = (await ines.agent.get(`/api/accompaniments/${ines.accompanimentId}/appointments`)).body;
    expect(list.appointments.map((a: { group: { id: string } }) => a.group.id)).toEqual([group.id]);
    const removed = await f.coach.delete(`/api/workshops/${workshopId}/participants/${ines.id}`);
    expect(removed.status).toBe(204);
    const after = (await f.coach.get(`/api/accompaniments/${ines.accompanimentId}/appointments`)).body;
    expect(after.appointments[0]).toMatchObject({
      status: 'cancelled',
      cancelReason: 'Retiré·e de l’atelier',
    });
  });
});

describe('[SCHED16] calendar feeds', () => {
  it('show a group once in the coach’s feed, and each learner their own appointment once', async () => {
    const group = await planOrThrow(paris('2026-11-10', '09:00'));
    const feed = async (agent: Agent) => {
      const { url } = (await agent.get('/api/calendar')).body as { url: string };
      const calendar = new ICAL.Component(ICAL.parse(await (await fetch(url)).text()));
      return calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    };
    const coachEvents = await feed(f.coach);
    const groupEvents = coachEvents.filter((e) => e.uid === `group-${group.id}@compagnon`);
    expect(groupEvents).toHaveLength(1);
    expect(groupEvents[0]!.summary).toBe('Séance collective « Atelier CV »');
    expect(groupEvents[0]!.location).toBe('Sur place — Salle 2');
    for (const p of group.participants)
      expect(coachEvents.some((e) => e.uid === `${p.appointmentId}@compagnon`)).toBe(false);

    for (const [agent, learnerId] of [
      [f.learner, f.ids.learner],
      [karim.agent, karim.id],
    ] as const) {
      const events = await feed(agent);
      const mine = group.participants.find((p) => p.userId === learnerId)!;
      const others = group.participants.filter((p) => p.userId !== learnerId);
      expect(events.filter((e) => e.uid === `${mine.appointmentId}@compagnon`)).toHaveLength(1);
      expect(events.some((e) => others.some((o) => e.uid === `${o.appointmentId}@compagnon`))).toBe(false);
      expect(events.some((e) => e.uid.startsWith('group-'))).toBe(false);
    }
  });
});

describe('[SCHED16] reminders', () => {
  const mails: CaughtMail[] = [];
  let smtp: { port: number; close(): Promise<void> };
  let mailing: TestServer;

  beforeAll(async () => {
    smtp = await startMailCatcher(mails);
    mailing = await startTestServer({
      smtpUrl: `smtp://127.0.0.1:${smtp.port}`,
      clock: clockFrom(MONDAY_8AM),
      clockControl: true,
      publicUrl: 'https://compagnon.exemple.fr',
    });
  });
  afterAll(async () => {
    await mailing.dispose();
    await smtp.close();
  });

  it('go to each learner, and to the coach once per group', async () => {
    const g = await fixture(mailing.url);
    const other = await learnerOf(g.coach, 'Karim Benali', 'coaching', mailing.url);
    const workshop = await g.coach.post('/api/workshops', { title: 'Atelier réseau' });
    for (const accompanimentId of [g.accompaniment.id, other.accompanimentId])
      await g.coach.post(`/api/workshops/${workshop.body.id}/participants`, { accompanimentId });
    const planned = await g.coach.post(`/api/workshops/${workshop.body.id}/sessions`, {
      start: paris('2026-10-21', '10:00'),
      durationMinutes: 120,
      mode: 'onsite',
      location: 'Salle 2',
    });
    expect(planned.status).toBe(201);
    mails.length = 0;
    mailing.clockControl!.advance(Date.parse(paris('2026-10-20', '10:01')) - mailing.clock.now());
    expect(await mailing.runReminders()).toBe(3);
    const coachEmail = (await mailing.storage.users.findById(g.ids.coach))!.email;
    const toCoach = mails.filter((m) => m.to.includes(coachEmail));
    expect(toCoach).toHaveLength(1);
    const text = toCoach[0]!.raw.replace(/=\r?\n/g, '');
    expect(text).toContain(`https://compagnon.exemple.fr/ateliers/${workshop.body.id}`);
    expect(await mailing.runReminders()).toBe(0);
  });
});

/** The HTTP status of a /call upgrade: 101 when accepted. */
function callUpgradeStatus(appointmentId: string, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/call/${appointmentId}`, {
      headers: { cookie: agent.cookieHeader },
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', reject);
  });
}
