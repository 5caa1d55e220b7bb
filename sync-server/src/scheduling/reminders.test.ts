import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, type Fixture } from '../test-support/http.ts';
import { bookOrThrow, clockFrom, openEveryDay, paris, MINUTE } from '../test-support/scheduling.ts';
import { startTestServer, type TestServer } from '../test-support/server.ts';
import { startMailCatcher, type CaughtMail } from '../test-support/smtp.ts';
import { quietUntil } from './reminders.ts';

/** Decodes the quoted-printable text part of a raw message. */
function textPart(raw: string): string {
  const start = raw.indexOf('Content-Type: text/plain');
  const body = raw.slice(raw.indexOf('\r\n\r\n', start) + 4, raw.indexOf('\r\n--', start));
  const latin1 = body
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(latin1, 'latin1').toString('utf8');
}

describe('[SCHED11] appointment reminders', () => {
  const mails: CaughtMail[] = [];
  let smtp: { port: number; close(): Promise<void> };
  let server: TestServer;
  let f: Fixture;
  const advanceTo = (iso: string) =>
    server.clockControl!.advance(Math.max(0, Date.parse(iso) - server.clock.now()));
  const email = async (id: string) => (await server.storage.users.findById(id))!.email;

  beforeAll(async () => {
    smtp = await startMailCatcher(mails);
    server = await startTestServer({
      smtpUrl: `smtp://127.0.0.1:${smtp.port}`,
      clock: clockFrom('2026-10-19T06:00:00Z'),
      clockControl: true,
      publicUrl: 'https://compagnon.exemple.fr',
    });
    f = await fixture(server.url);
    await openEveryDay(f.coach);
    // The invitation e-mail of the fixture is not a reminder.
    mails.length = 0;
  });
  afterAll(async () => {
    await server.dispose();
    await smtp.close();
  });

  it('e-mails the learner and the coach once, reminderHours before, in French with the coach’s local time', async () => {
    const appointment = await bookOrThrow(f.learner, f.accompaniment.id, paris('2026-10-21', '10:00'));
    expect(await server.runReminders()).toBe(0);
    // 24 h before is Tuesday 20 October, 10:00 in Paris.
    advanceTo(new Date(Date.parse(paris('2026-10-20', '10:00')) - MINUTE).toISOString());
    expect(await server.runReminders()).toBe(0);
    advanceTo(paris('2026-10-20', '10:01'));
    expect(await server.runReminders()).toBe(2);
    const coachEmail = await email(f.ids.coach);
    const learnerEmail = await email(f.ids.learner);
    expect(mails.map((m) => m.to).sort()).toEqual([[coachEmail], [learnerEmail]].sort());
    const toLearner = textPart(mails.find((m) => m.to.includes(learnerEmail))!.raw);
    expect(toLearner).toContain('Bonjour Léa Test,');
    expect(toLearner).toContain(
      'Vous avez rendez-vous avec Coach A le mercredi 21 octobre 2026 à 10:00 (heure de Paris), pour 1 h, en visio.',
    );
    expect(toLearner).toContain(`https://compagnon.exemple.fr/accompagnements/${f.accompaniment.id}`);
    const toCoach = textPart(mails.find((m) => m.to.includes(coachEmail))!.raw);
    expect(toCoach).toContain('Vous avez rendez-vous avec Léa Test le mercredi 21 octobre 2026 à 10:00');
    expect(mails[0]!.raw).toMatch(/Subject: =\?UTF-8\?|Subject: Rappel/);
    // Once: later passes send nothing more.
    advanceTo(paris('2026-10-20', '11:00'));
    expect(await server.runReminders()).toBe(0);
    expect(mails).toHaveLength(2);

    // Moved, it is reminded again for its new time; never after it started.
    const moved = await f.coach.post(`/api/appointments/${appointment.id}/move`, {
      start: paris('2026-10-21', '15:00'),
      reason: 'Réunion',
    });
    expect(moved.status).toBe(200);
    expect(await server.runReminders()).toBe(0);
    advanceTo(paris('2026-10-20', '15:00'));
    expect(await server.runReminders()).toBe(2);
    expect(textPart(mails.at(-1)!.raw)).toContain('le mercredi 21 octobre 2026 à 15:00');
  });

  it('nothing for a cancelled appointment; nothing at night, unless the appointment comes before morning', async () => {
    mails.length = 0;
    const cancelled = await bookOrThrow(f.learner, f.accompaniment.id, paris('2026-10-22', '10:00'));
    await f.learner.post(`/api/appointments/${cancelled.id}/cancel`, { reason: 'Empêchement' });
    // Two hours ahead: a 09:00 appointment is due at 07:00, in the quiet hours, so it waits until 08:00.
    await openEveryDay(f.coach, { reminderHours: 2 });
    await bookOrThrow(f.learner, f.accompaniment.id, paris('2026-10-23', '09:00'));
    advanceTo(paris('2026-10-22', '12:00'));
    expect(await server.runReminders()).toBe(0);
    advanceTo(paris('2026-10-23', '07:30'));
    expect(await server.runReminders()).toBe(0);
    advanceTo(paris('2026-10-23', '08:00'));
    expect(await server.runReminders()).toBe(2);
    expect(textPart(mails[0]!.raw)).toContain('le vendredi 23 octobre 2026 à 09:00');
  });

  it('none when the coach set reminders to 0 hours', async () => {
    mails.length = 0;
    await openEveryDay(f.coach, { reminderHours: 0 });
    await bookOrThrow(f.learner, f.accompaniment.id, paris('2026-10-24', '10:00'));
    advanceTo(paris('2026-10-24', '09:30'));
    expect(await server.runReminders()).toBe(0);
    expect(mails).toHaveLength(0);
  });

  it('quiet hours follow the zone, across the daylight-saving change', () => {
    // 22:00 in Paris on Saturday 24 October (summer time) → 08:00 on Sunday, winter time (07:00Z).
    expect(new Date(quietUntil(Date.parse('2026-10-24T20:00:00Z'), 'Europe/Paris')!).toISOString()).toBe(
      '2026-10-25T07:00:00.000Z',
    );
    expect(quietUntil(Date.parse('2026-10-24T10:00:00Z'), 'Europe/Paris')).toBeNull();
  });
});
