import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attendanceSheetData, renderAttendancePdf } from '../scheduling/attendance-pdf.ts';
import { fixture, otherAccompaniment, type Agent, type Fixture } from '../test-support/http.ts';
import { shownText } from '../test-support/pdf-text.ts';
import { bookOrThrow, clockFrom, openEveryDay, paris } from '../test-support/scheduling.ts';
import { startTestServer, type TestServer } from '../test-support/server.ts';

const SIGNATURE = 'M10 40 C 20 10, 40 10, 50 40 S 80 70, 90 40';

let server: TestServer;
let f: Fixture;
let otherLearner: Agent;
let held: string;
let afternoon: string;
let booked: string;

const advanceTo = (iso: string) =>
  server.clockControl!.advance(Math.max(0, Date.parse(iso) - server.clock.now()));

beforeAll(async () => {
  server = await startTestServer({ clock: clockFrom('2026-10-19T06:00:00Z'), clockControl: true });
  f = await fixture(server.url);
  await openEveryDay(f.coach);
  held = (await bookOrThrow(f.learner, f.accompaniment.id, paris('2026-10-19', '10:00'))).id;
  afternoon = (
    await bookOrThrow(f.learner, f.accompaniment.id, paris('2026-10-19', '14:00'), { mode: 'onsite' })
  ).id;
  booked = (await bookOrThrow(f.learner, f.accompaniment.id, paris('2026-10-21', '10:00'))).id;
  advanceTo(paris('2026-10-19', '15:05'));
  for (const id of [held, afternoon])
    expect((await f.coach.post(`/api/appointments/${id}/held`, {})).status).toBe(201);
  otherLearner = (await otherAccompaniment(server.url, f)).learner;
});
afterAll(() => server.dispose());

const sign = (agent: Agent, id: string, body: Record<string, unknown>) =>
  agent.post(`/api/appointments/${id}/attendance`, body);
const verify = () => f.coach.get(`/api/accompaniments/${f.accompaniment.id}/attendance/verify`);

describe('[SCHED8] signing the attendance sheet', () => {
  it('records a drawn signature with the device time given and the server’s receipt time', async () => {
    const deviceAt = '2026-10-19T08:58:30.000Z';
    const reply = await sign(f.learner, held, { method: 'drawn', signature: SIGNATURE, deviceAt });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ seq: 1, halfDay: 'am', deviceAt, correctsSeq: null });
    // Stamped by the server clock (CLOCK1: the test clock, 15:05 in Paris), not the device's.
    const received = Date.parse(reply.body.receivedAt);
    expect(received).toBeGreaterThanOrEqual(Date.parse(paris('2026-10-19', '15:05')));
    expect(received - Date.parse(paris('2026-10-19', '15:05'))).toBeLessThan(60_000);
  });

  it('refuses a second signature of the same half-day (409), not the other half-day', async () => {
    const again = await sign(f.learner, held, { method: 'confirmed', deviceAt: '2026-10-19T09:00:00Z' });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatch(/déjà émargé/);
    const pm = await sign(f.learner, held, {
      method: 'confirmed',
      deviceAt: '2026-10-19T09:00:00Z',
      halfDay: 'pm',
    });
    expect(pm.status).toBe(201);
    expect(pm.body).toMatchObject({ seq: 2, halfDay: 'pm' });
  });

  it('the coach signs too; the half-day follows the session’s start in the coach’s zone', async () => {
    const coach = await sign(f.coach, held, { method: 'confirmed', deviceAt: '2026-10-19T09:01:00Z' });
    expect(coach.status).toBe(201);
    expect(coach.body).toMatchObject({ seq: 3, halfDay: 'am' });
    const learnerPm = await sign(f.learner, afternoon, {
      method: 'drawn',
      signature: 'M0 0 L 10 10',
      deviceAt: '2026-10-19T13:00:00Z',
    });
    expect(learnerPm.body).toMatchObject({ seq: 4, halfDay: 'pm' });
  });

  it('refuses a session not held (422), a missing or unreadable signature (422), strangers (404)', async () => {
    const notHeld = await sign(f.learner, booked, { method: 'confirmed', deviceAt: '2026-10-19T09:00:00Z' });
    expect(notHeld.status).toBe(422);
    expect(notHeld.body.error).toMatch(/tenue/);
    const missing = await sign(f.coach, afternoon, { method: 'drawn', deviceAt: '2026-10-19T13:00:00Z' });
    expect(missing.status).toBe(422);
    expect(missing.body.error).toMatch(/Signature manquante/);
    const garbage = await sign(f.coach, afternoon, {
      method: 'drawn',
      signature: '<svg onload=alert(1)>',
      deviceAt: '2026-10-19T13:00:00Z',
    });
    expect(garbage.status).toBe(422);
    const long = await sign(f.coach, afternoon, {
      method: 'drawn',
      signature: `M0 0${' L1 1'.repeat(5000)}`,
      deviceAt: '2026-10-19T13:00:00Z',
    });
    expect(long.status).toBe(422);
    for (const agent of [f.otherCoach, otherLearner])
      expect(
        (await sign(agent, held, { method: 'confirmed', deviceAt: '2026-10-19T09:00:00Z' })).status,
      ).toBe(404);
    expect(
      (await sign(f.anonymous, held, { method: 'confirmed', deviceAt: '2026-10-19T09:00:00Z' })).status,
    ).toBe(401);
    expect((await sign(f.learner, held, { method: 'confirmed', deviceAt: 'hier' })).status).toBe(400);
    expect(
      (await sign(f.learner, 'inconnu', { method: 'confirmed', deviceAt: '2026-10-19T09:00:00Z' })).status,
    ).toBe(404);
  });

  it('has no route to change or remove a record', async () => {
    for (const method of ['PUT', 'PATCH', 'DELETE'])
      expect((await f.coach.request(method, `/api/appointments/${held}/attendance`, {})).status).toBe(404);
    expect((await f.coach.request('DELETE', `/api/appointments/${held}/attendance/1`)).status).toBe(404);
  });

  it('a correction is the coach’s: a new record referring to the old one, with its reason', async () => {
    const body = {
      correctsSeq: 2,
      reason: 'Signée par erreur pour l’après-midi',
      method: 'confirmed',
      deviceAt: '2026-10-19T13:10:00Z',
    };
    expect((await f.learner.post(`/api/appointments/${held}/attendance/corrections`, body)).status).toBe(403);
    expect((await f.otherCoach.post(`/api/appointments/${held}/attendance/corrections`, body)).status).toBe(
      404,
    );
    expect(
      (await f.coach.post(`/api/appointments/${held}/attendance/corrections`, { ...body, correctsSeq: 4 }))
        .status,
    ).toBe(422);
    expect(
      (await f.coach.post(`/api/appointments/${held}/attendance/corrections`, { ...body, reason: '' }))
        .status,
    ).toBe(400);
    const corrected = await f.coach.post(`/api/appointments/${held}/attendance/corrections`, body);
    expect(corrected.status).toBe(201);
    expect(corrected.body).toMatchObject({ seq: 5, halfDay: 'pm', correctsSeq: 2 });
    const list = await f.learner.get(`/api/accompaniments/${f.accompaniment.id}/appointments`);
    const appointment = list.body.appointments.find((a: { id: string }) => a.id === held);
    expect(appointment.attendance).toHaveLength(4);
    expect(appointment.attendance.at(-1)).toMatchObject({
      seq: 5,
      userId: f.ids.coach,
      name: 'Coach A',
      role: 'coach',
      correctsSeq: 2,
      reason: 'Signée par erreur pour l’après-midi',
    });
    expect(appointment.attendance[0]).toMatchObject({
      seq: 1,
      userId: f.ids.learner,
      role: 'learner',
      method: 'drawn',
    });
  });
});

describe('[SCHED8] chain verification and the sheet', () => {
  it('verification is the coach’s; the chain is intact', async () => {
    const reply = await verify();
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ ok: true, records: 5 });
    expect(reply.body.head).toMatch(/^[0-9a-f]{64}$/);
    expect((await f.learner.get(`/api/accompaniments/${f.accompaniment.id}/attendance/verify`)).status).toBe(
      403,
    );
    expect(
      (await f.otherCoach.get(`/api/accompaniments/${f.accompaniment.id}/attendance/verify`)).status,
    ).toBe(404);
  });

  it('the PDF goes to the coach and the learner (404 others, 401 anonymous)', async () => {
    const path = `/api/accompaniments/${f.accompaniment.id}/attendance.pdf`;
    for (const agent of [f.coach, f.learner]) {
      const pdf = await agent.download(path);
      expect(pdf.status).toBe(200);
      expect(pdf.headers.get('content-type')).toBe('application/pdf');
      expect(Buffer.from(pdf.bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
      expect(pdf.bytes.length).toBeGreaterThan(2000);
    }
    expect((await f.otherCoach.download(path)).status).toBe(404);
    expect((await otherLearner.download(path)).status).toBe(404);
    expect((await f.anonymous.download(path)).status).toBe(401);
  });

  it('the sheet, from what the server stored, names the people and dates the sessions and signatures', async () => {
    const acc = (await server.storage.accompaniments.find(f.accompaniment.id))!;
    const data = await attendanceSheetData(server.storage, acc, server.clock.now());
    const text = shownText(
      await renderAttendancePdf(data, {
        fonts: { regular: 'Helvetica', bold: 'Helvetica-Bold' },
        compress: false,
      }),
    );
    expect(text).toContain('Bilan de compétences — Test');
    expect(text).toContain('Léa Test');
    expect(text).toContain('Coach A');
    expect(text).toContain('Séance du 19 octobre 2026 — 10:00–11:00 (matin)');
    expect(text).toContain('Séance du 19 octobre 2026 — 14:00–15:00 (après-midi)');
    expect(text).toContain('N° 1 — Léa Test (personne accompagnée), matin');
    expect(text).toContain('Heure de l’appareil : 19 octobre 2026 à 10:58:30');
    expect(text).toContain('Confirmé le 19 octobre 2026 à 11:01:00');
    expect(text).toContain('Correction de l’émargement n° 2 — motif : Signée par erreur pour l’après-midi');
    expect(text).toContain('Chaîne d’émargement intègre : 5 enregistrements vérifiés.');
    // The appointment still to come is not on the sheet.
    expect(text).not.toContain('21 octobre');
  });

  it('a row changed directly in the database is refused by the trigger, and detected once the trigger is gone', async () => {
    const sql = server.storage.sql;
    await expect(
      sql.run(
        'UPDATE attendance SET device_at = device_at + 1 WHERE accompaniment_id = ? AND seq = 3',
        f.accompaniment.id,
      ),
    ).rejects.toThrow(/append-only/);
    await expect(sql.run('DELETE FROM attendance WHERE seq = 3')).rejects.toThrow(/append-only/);
    // Someone with access to the database can drop the trigger: the chain still tells.
    await sql.exec(
      sql.dialect === 'postgres'
        ? 'DROP TRIGGER attendance_no_update ON attendance'
        : 'DROP TRIGGER attendance_no_update',
    );
    await sql.run(
      'UPDATE attendance SET device_at = device_at - 3600000 WHERE accompaniment_id = ? AND seq = 3',
      f.accompaniment.id,
    );
    const reply = await verify();
    expect(reply.body).toMatchObject({ ok: false, records: 5, brokenAtSeq: 3 });
    const acc = (await server.storage.accompaniments.find(f.accompaniment.id))!;
    const text = shownText(
      await renderAttendancePdf(await attendanceSheetData(server.storage, acc, server.clock.now()), {
        fonts: { regular: 'Helvetica', bold: 'Helvetica-Bold' },
        compress: false,
      }),
    );
    expect(text).toContain('ANOMALIE : la chaîne d’émargement est rompue à l’enregistrement n° 3');
  });
});
