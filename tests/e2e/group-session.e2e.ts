import { anotherLearner, coachAndLearner } from '../fixtures/accounts.ts';
import { expect, test } from '../fixtures/test.ts';
import { AgendaPage, AppointmentsPanel } from '../page-models/appointments.ts';
import { WorkshopPage, createWorkshop } from '../page-models/workshop.ts';

// The session is marked held once it has started: the server's clock is moved past the start through its
// test-only control instead of waiting.
test.use({ serverEnv: { COMPAGNON_CLOCK_CONTROL: '1' } });

/** Tomorrow's date in Paris (YYYY-MM-DD): the session is surely ahead whenever the test runs. */
function tomorrowInParis(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(Date.now() + 86_400_000);
}

test('a group session planned from the workshop: both learners see it, it is held, each signs, each one’s hours count it', async ({
  browser,
  server,
}) => {
  test.setTimeout(120_000);
  const { coach, learner, contexts, accompaniment } = await coachAndLearner(browser, server.url);
  const hugo = await anotherLearner(browser, server.url, coach);

  // The coach adds a group type to her presets on the agenda.
  const agenda = new AgendaPage(coach);
  await agenda.open();
  await expect(agenda.types.getByLabel('Nom', { exact: true }).first()).toHaveValue('Entretien individuel');
  await agenda.addType({ label: 'Atelier collectif', kind: 'Collectif', minutes: 7, mode: 'Sur place' });
  await agenda.types.getByRole('button', { name: 'Enregistrer les types' }).click();
  await expect(agenda.types.getByRole('alert')).toHaveText(
    '« Atelier collectif » : la durée va de 15 à 480 minutes, par pas de 5.',
  );
  await agenda.types.getByRole('group').last().getByLabel('Durée (minutes)').fill('180');
  await agenda.saveTypes();

  // A workshop with both learners; the coach plans a session with that type.
  const c = await createWorkshop(coach, 'Atelier CV');
  await c.addParticipant('Léa Martin');
  await c.addParticipant('Hugo Bernard');
  const workshopUrl = coach.url();
  await c.planSession({
    date: tomorrowInParis(),
    time: '10:00',
    type: 'Atelier collectif',
    location: 'Salle 2, 3 rue des Lilas',
  });
  const cSession = c.sessionItems.first();
  await expect(cSession).toContainText('10:00–13:00');
  await expect(cSession).toContainText('Inscrit·es : 2');
  await expect(cSession).toContainText('Salle 2, 3 rue des Lilas');
  await expect(cSession).toContainText('Léa Martin — Réservé');
  await expect(cSession).toContainText('Hugo Bernard — Réservé');

  // Each learner sees it in the workshop, as their own appointment, and in their workspace.
  const people = [
    { page: learner, name: 'Léa Martin', accompanimentId: accompaniment.id, remaining: '21 h' },
    { page: hugo.page, name: 'Hugo Bernard', accompanimentId: hugo.accompaniment.id, remaining: '7 h' },
  ];
  for (const p of people) {
    await p.page.goto(`/accompagnements/${p.accompanimentId}`);
    const panel = new AppointmentsPanel(p.page);
    await expect(panel.appointments).toHaveCount(1);
    await expect(panel.appointments.first()).toContainText('Séance collective');
    await expect(panel.appointments.first()).toContainText('Atelier CV');
    await expect(panel.appointments.first()).toContainText('Sur place');
    await expect(panel.appointments.first().getByRole('button', { name: /visio/i })).toHaveCount(0);
    await p.page.goto(workshopUrl);
    const w = new WorkshopPage(p.page);
    await expect(w.sessionItems).toHaveCount(1);
    await expect(w.sessionItems.first()).toContainText('Séance collective');
    await expect(w.sessionItems.first()).toContainText('Réservé');
    await expect(w.sessions.getByRole('button', { name: 'Planifier une séance' })).toHaveCount(0);
  }

  // Not before it starts; then, past the start on the server's clock, the coach marks it held for all.
  await cSession.getByRole('button', { name: 'Marquer comme tenue' }).click();
  const held = coach.getByRole('dialog', { name: 'Marquer la séance comme tenue' });
  await held.getByRole('button', { name: 'Enregistrer la séance' }).click();
  await expect(held.getByRole('alert')).toContainText('pas encore commencé');
  const { sessions } = (await (
    await coach.request.get(`/api/workshops/${workshopUrl.split('/').pop()}/sessions`)
  ).json()) as { sessions: { start: string }[] };
  const advanceMs = Date.parse(sessions[0]!.start) - Date.now() + 5 * 60_000;
  expect((await coach.request.post('/api/test/clock', { data: { advanceMs } })).ok()).toBeTruthy();
  await held.getByRole('button', { name: 'Enregistrer la séance' }).click();
  await expect(held).toBeHidden();
  await expect(cSession).toContainText('Tenu');
  await expect(cSession).toContainText('Léa Martin — présent·e, 3 h comptées — n’a pas encore émargé');

  // The coach signs once, for the whole group.
  const coachPanel = new AppointmentsPanel(coach);
  await coachPanel.signByDrawing(cSession);
  await expect(cSession).toContainText('Vous avez émargé pour tout le groupe (matin)');
  await expect(coachPanel.signForm(cSession)).toHaveCount(0);

  // Each learner signs their own appointment from the workshop: Léa with the keyboard, Hugo by drawing.
  for (const [i, p] of people.entries()) {
    const w = new WorkshopPage(p.page);
    const mine = w.sessionItems.first();
    const panel = new AppointmentsPanel(p.page);
    await expect(panel.signForm(mine)).toBeVisible({ timeout: 15_000 });
    await expect(mine).toContainText('Claire Dubois (accompagnant·e), matin');
    if (i === 0) await panel.signWithKeyboard(mine);
    else await panel.signByDrawing(mine);
    await expect(mine).toContainText(`${p.name} (personne accompagnée), matin`);
    await expect(panel.signForm(mine)).toHaveCount(0);
  }
  await expect(cSession).toContainText('Léa Martin — présent·e, 3 h comptées — a émargé (matin)', {
    timeout: 15_000,
  });
  await expect(cSession).toContainText('Hugo Bernard — présent·e, 3 h comptées — a émargé (matin)');

  // Each learner's hours count the session, in their own accompaniment.
  for (const p of people) {
    await p.page.goto(`/accompagnements/${p.accompanimentId}`);
    const panel = new AppointmentsPanel(p.page);
    await panel.expectHours('Heures réalisées', '3 h');
    await panel.expectHours('Heures restantes', p.remaining);
    await expect(panel.appointments.first()).toContainText('Durée comptée : 3 h');
  }

  for (const ctx of [...contexts, hugo.context]) await ctx.close();
});
