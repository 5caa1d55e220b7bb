import { readFile } from 'node:fs/promises';
import { coachAndLearner } from '../fixtures/accounts.ts';
import { expect, test } from '../fixtures/test.ts';
import { AgendaPage, AppointmentsPanel, WEEKDAYS } from '../page-models/appointments.ts';

// The session is marked held once it has started: the server's clock is moved past the start through its
// test-only control instead of waiting.
test.use({ serverEnv: { COMPAGNON_CLOCK_CONTROL: '1' } });

test('availability, booking, video call, session held, attendance signed by both, hours and sheet', async ({
  browser,
  server,
}) => {
  test.setTimeout(120_000);
  const { coach, learner, contexts, accompaniment } = await coachAndLearner(browser, server.url);
  for (const ctx of contexts) await ctx.grantPermissions(['camera', 'microphone'], { origin: server.url });

  // The coach opens every day, all day (00:00 → 00:00 is midnight): the test does not depend on when it runs.
  const agenda = new AgendaPage(coach);
  await agenda.open();
  await expect(agenda.availability.getByLabel('Fuseau horaire')).toHaveValue('Europe/Paris');
  await agenda.addRange('Lundi', '10:00', '09:00');
  await agenda.availability.getByRole('button', { name: 'Enregistrer les disponibilités' }).click();
  await expect(agenda.availability.getByRole('alert')).toHaveText(
    'Lundi, plage 1 : la fin doit être après le début.',
  );
  await agenda
    .day('Lundi')
    .getByRole('button', { name: /^Retirer/ })
    .click();
  for (const day of WEEKDAYS) await agenda.addRange(day, '00:00', '00:00');
  await agenda.save();
  await agenda.open();
  await expect(agenda.day('Dimanche').getByLabel('Fin', { exact: true })).toHaveValue('00:00');

  // The private feed: a full address, valid iCalendar, replaced by « Régénérer » (the old one stops working).
  const firstFeed = await agenda.feedUrl.inputValue();
  expect(firstFeed).toMatch(new RegExp(`^${server.url}/api/calendar/[^/]+\\.ics$`));
  const ics = await coach.request.get(firstFeed);
  expect(ics.status()).toBe(200);
  expect(await ics.text()).toContain('BEGIN:VCALENDAR');
  await agenda.regenerateFeed();
  expect((await coach.request.get(firstFeed)).status()).toBe(404);
  const feed = await agenda.feedUrl.inputValue();

  // The learner books the coach's default type (an hour by video): the first slot of the second day offered,
  // so that it is surely ahead. Her form offers the coach's types, not a free duration and mode.
  const workspace = `/accompagnements/${accompaniment.id}`;
  await learner.goto(workspace);
  const l = new AppointmentsPanel(learner);
  await l.expectHours('Heures prévues au contrat', '24 h');
  await l.expectHours('Heures réalisées', '0 h');
  await l.openBooking();
  await expect(l.region.getByRole('radio', { name: 'Visio', exact: true })).toHaveCount(0);
  await l.book({ type: 'Entretien individuel', dayIndex: 1 });
  await expect(l.appointments).toHaveCount(1);
  const lAppointment = l.appointments.first();
  await expect(lAppointment).toContainText('Visio');
  await expect(lAppointment).toContainText('Entretien individuel');
  await expect(lAppointment).toContainText('Réservé');
  // « Aujourd'hui » announces it as the next appointment.
  await expect(learner.locator('.today__meeting')).toContainText('Visio');
  await expect(learner.locator('.today__meeting')).not.toContainText('aucun pour l');
  expect(await (await coach.request.get(feed)).text()).toContain('BEGIN:VEVENT');

  // The coach sees it on the agenda and in the workspace, and starts the call; the learner joins.
  await agenda.open();
  await expect(coach.getByRole('region', { name: 'Prochains rendez-vous' })).toContainText('Léa Martin');
  await coach.goto(workspace);
  const c = new AppointmentsPanel(coach);
  const cAppointment = c.appointments.first();
  await expect(cAppointment).toContainText('Réservé');
  await cAppointment.getByRole('button', { name: 'Démarrer la visio' }).click();
  await expect(c.callStatus).toHaveText('En attente de Léa Martin…', { timeout: 15_000 });
  await lAppointment.getByRole('button', { name: 'Rejoindre la visio' }).click();
  await expect(l.call).toBeVisible();
  // « Connecté » is shown only once the RTCPeerConnection itself is connected.
  await expect(c.callStatus).toHaveText('Connecté', { timeout: 30_000 });
  await expect(l.callStatus).toHaveText('Connecté', { timeout: 30_000 });
  await expect(c.callStatus).toHaveAttribute('data-call-state', 'connected');
  await expect(l.call.getByRole('timer')).toContainText('Écoulé');
  const mute = l.call.getByRole('button', { name: 'Couper le micro' });
  await mute.click();
  await expect(mute).toHaveAttribute('aria-pressed', 'true');
  await l.leaveCall();
  await expect(c.callStatus).toHaveText('En attente de Léa Martin…', { timeout: 15_000 });
  await c.leaveCall();

  // Not before it starts: the server refuses, with its reason.
  await cAppointment.getByRole('button', { name: 'Marquer comme tenue' }).click();
  const held = coach.getByRole('dialog', { name: 'Marquer la séance comme tenue' });
  await held.getByRole('button', { name: 'Enregistrer la séance' }).click();
  await expect(held.getByRole('alert')).toContainText('pas encore commencé');

  // Past the start on the server's clock, the coach records the session as held.
  const { appointments } = (await (
    await coach.request.get(`/api/accompaniments/${accompaniment.id}/appointments`)
  ).json()) as { appointments: { start: string }[] };
  const advanceMs = Date.parse(appointments[0]!.start) - Date.now() + 5 * 60_000;
  expect((await coach.request.post('/api/test/clock', { data: { advanceMs } })).ok()).toBeTruthy();
  await held.getByRole('button', { name: 'Enregistrer la séance' }).click();
  await expect(held).toBeHidden();
  await expect(cAppointment).toContainText('Tenu');
  await expect(cAppointment).toContainText('Durée comptée : 1 h');
  await c.expectHours('Heures réalisées', '1 h');
  await c.expectHours('Heures restantes', '23 h');
  await l.expectHours('Heures réalisées', '1 h');
  await l.expectHours('Heures restantes', '23 h');

  // The coach signs with the mouse.
  await c.signByDrawing(cAppointment);
  // The slot is the first of a whole day (00:00, Paris): a morning session.
  await expect(cAppointment).toContainText('Claire Dubois (accompagnant·e), matin — signature manuscrite');
  await expect(c.signForm(cAppointment)).toHaveCount(0);

  // The learner confirms with the keyboard while offline: kept on the device, sent once back online.
  await expect(l.signForm(lAppointment)).toBeVisible({ timeout: 15_000 });
  await contexts[1]!.setOffline(true);
  await l.signWithKeyboard(lAppointment);
  const pending = lAppointment.locator('[data-pending="true"]');
  await expect(pending).toContainText('en attente de connexion');
  await expect(l.signForm(lAppointment)).toHaveCount(0);
  await contexts[1]!.setOffline(false);
  await expect(pending).toHaveCount(0, { timeout: 15_000 });
  await expect(lAppointment).toContainText('Léa Martin (personne accompagnée)');
  await expect(lAppointment).toContainText('présence confirmée');
  await expect(cAppointment).toContainText('Léa Martin (personne accompagnée)', { timeout: 15_000 });

  // Personal time is shown apart, never counted as time with the coach.
  await l.region.getByLabel('Durée (minutes)').fill('90');
  await l.region.getByRole('button', { name: 'Déclarer ce temps' }).click();
  await l.expectHours('Temps personnel déclaré', '1 h 30');
  await l.expectHours('Heures réalisées', '1 h');
  await c.expectHours('Temps personnel déclaré', '1 h 30');

  // The attendance sheet downloads as a PDF.
  const [download] = await Promise.all([
    learner.waitForEvent('download'),
    l.region.getByRole('link', { name: 'Télécharger la feuille d’émargement' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('feuille-emargement.pdf');
  const path = await download.path();
  expect((await readFile(path)).subarray(0, 5).toString('latin1')).toBe('%PDF-');

  for (const ctx of contexts) await ctx.close();
});

test('a slot taken meanwhile is refused in French and the slots refresh; the coach moves, the learner cancels, with reasons', async ({
  browser,
  server,
}) => {
  const { coach, learner, contexts, accompaniment } = await coachAndLearner(browser, server.url);
  const weekly = [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, start: '00:00', end: '24:00' }));
  const saved = await coach.request.put('/api/availability', {
    data: { timeZone: 'Europe/Paris', weekly, exceptions: [] },
  });
  expect(saved.ok()).toBeTruthy();
  const types = await coach.request.put('/api/appointment-types', {
    data: {
      types: [
        { label: 'Entretien individuel', kind: 'individual', durationMinutes: 60, mode: 'video' },
        { label: 'Point téléphonique', kind: 'individual', durationMinutes: 60, mode: 'phone' },
        { label: 'Atelier collectif', kind: 'group', durationMinutes: 180, mode: 'onsite' },
      ],
    },
  });
  expect(types.ok()).toBeTruthy();
  const workspace = `/accompagnements/${accompaniment.id}`;

  // The learner picks a phone slot (only the individual types are offered); the coach books that very slot
  // for her first.
  await learner.goto(workspace);
  const l = new AppointmentsPanel(learner);
  await l.openBooking();
  const offered = l.region.getByRole('group', { name: 'Type de rendez-vous' }).getByRole('radio');
  await expect(offered).toHaveCount(2);
  await expect(offered.nth(1)).toHaveAccessibleName('Point téléphonique — 1 h — Téléphone');
  await l.chooseType('Point téléphonique');
  const start = await l.chooseSlot(l.region, 1);
  const taken = await coach.request.post('/api/appointments', {
    data: { accompanimentId: accompaniment.id, start, durationMinutes: 60, mode: 'phone' },
  });
  expect(taken.status()).toBe(201);
  await l.region.getByRole('button', { name: 'Réserver ce créneau' }).click();
  await expect(l.region.getByRole('alert')).toContainText('Ce créneau vient d’être réservé');
  await expect(l.region.locator(`input[type="radio"][value="${start}"]`)).toHaveCount(0);
  await expect(
    l.region
      .getByRole('group', { name: /^Horaires libres le / })
      .getByRole('radio')
      .first(),
  ).toBeVisible();
  await expect(l.appointments).toHaveCount(1, { timeout: 15_000 });
  await expect(l.appointments.first()).toContainText('Téléphone');

  // The coach moves it to another day, with the reason.
  await coach.goto(workspace);
  const c = new AppointmentsPanel(coach);
  await c.appointments.first().getByRole('button', { name: 'Déplacer' }).click();
  const move = coach.getByRole('dialog', { name: 'Déplacer le rendez-vous' });
  const newStart = await c.chooseSlot(move, 2);
  await move.getByRole('button', { name: 'Déplacer le rendez-vous' }).click();
  await expect(move.getByRole('alert')).toHaveText(
    'Indiquez la raison : elle est conservée avec le rendez-vous.',
  );
  await move.getByLabel('Raison').fill('Formation ce jour-là');
  await move.getByRole('button', { name: 'Déplacer le rendez-vous' }).click();
  await expect(move).toBeHidden();
  const moved = (await (
    await coach.request.get(`/api/accompaniments/${accompaniment.id}/appointments`)
  ).json()) as {
    appointments: { start: string; sequence: number }[];
  };
  expect(moved.appointments.map((a) => a.start)).toEqual([new Date(newStart).toISOString()]);

  // The learner cancels it, with the reason; both see it cancelled.
  const appointment = l.appointments.first();
  await appointment.getByRole('button', { name: 'Annuler le rendez-vous' }).click();
  const cancel = learner.getByRole('dialog', { name: 'Annuler le rendez-vous' });
  await cancel.getByLabel('Raison').fill('Entretien d’embauche');
  await cancel.getByRole('button', { name: 'Confirmer l’annulation' }).click();
  await expect(cancel).toBeHidden();
  await expect(l.appointments).toHaveCount(0);
  await expect(l.region.getByText('Rendez-vous annulé (1)')).toBeVisible();
  await expect(c.region.getByText('Rendez-vous annulé (1)')).toBeVisible({ timeout: 15_000 });
  await c.region.getByText('Rendez-vous annulé (1)').click();
  await expect(c.region).toContainText('Motif de l’annulation : Entretien d’embauche');
  for (const ctx of contexts) await ctx.close();
});
