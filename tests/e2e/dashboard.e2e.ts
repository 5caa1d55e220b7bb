import { readFile } from 'node:fs/promises';
import { COACH, LEARNER, coachAndLearner } from '../fixtures/accounts.ts';
import { expect, test } from '../fixtures/test.ts';
import { WorkspacePage } from '../page-models/workspace.ts';

const DAY = 24 * 60 * 60 * 1000;
const TITLE = 'Bilan de compétences — Léa Martin';
const CSV_HEADER = 'Accompagnement;Bénéficiaire;Accompagnant·e;Financeur;Date;Durée (min);Mode;Statut';
const COLLEAGUE = { name: 'Marc Leroy', email: 'marc@exemple.fr', password: 'secret-de-marc' };

// The learner's silence is simulated by moving the server's clock forward through its test-only control.
test.use({ serverEnv: { COMPAGNON_CLOCK_CONTROL: '1' } });

test('the coach dashboard flags an inactive learner and shows the administrative facts', async ({
  browser,
  server,
}) => {
  const { coach, contexts } = await coachAndLearner(browser, server.url);

  // A signed-in coach lands on the dashboard.
  await coach.goto('/');
  await expect(coach).toHaveURL(/\/tableau-de-bord$/);
  await expect(coach.getByRole('heading', { name: 'Tableau de bord', level: 1 })).toBeVisible();
  const table = coach.getByRole('table', { name: /Accompagnements suivis/ });
  const row = table.getByRole('row').filter({ hasText: TITLE });
  await expect(row).toContainText(LEARNER.name);
  await expect(row).toContainText('En cours');
  await expect(row.locator('[data-alert="inactive"]')).toHaveCount(0);

  // Eleven days without a contribution: past the default threshold of ten.
  const advance = await coach.request.post('/api/test/clock', { data: { advanceMs: 11 * DAY } });
  expect(advance.ok()).toBeTruthy();
  await coach.reload();
  const inactive = row.locator('[data-alert="inactive"]');
  await expect(inactive).toContainText('Inactivité');
  await expect(coach.getByText(/avec une alerte : 1/)).toBeVisible();

  // Filters: by alert and by status.
  await coach.getByLabel('Alertes', { exact: true }).selectOption({ label: 'Sans alerte' });
  await expect(row).toHaveCount(0);
  await expect(coach.getByText('Aucun accompagnement ne correspond à ces filtres.')).toBeVisible();
  await coach.getByLabel('Alertes', { exact: true }).selectOption({ label: 'Inactivité (1)' });
  await expect(row).toBeVisible();
  await coach.getByLabel('Statut', { exact: true }).selectOption({ label: 'Terminé' });
  await expect(row).toHaveCount(0);
  await coach.getByLabel('Statut', { exact: true }).selectOption({ label: 'Tous les statuts' });
  await expect(row).toBeVisible();

  // Sortable headers say how the table is sorted.
  const titleHeader = table.getByRole('columnheader', { name: 'Accompagnement' });
  await titleHeader.getByRole('button').click();
  await expect(titleHeader).toHaveAttribute('aria-sort', 'ascending');
  await titleHeader.getByRole('button').click();
  await expect(titleHeader).toHaveAttribute('aria-sort', 'descending');

  // The coach fills the administrative information in the workspace; a bad input gets a French message.
  await row.getByRole('link', { name: TITLE }).click();
  await expect(coach).toHaveURL(/\/accompagnements\/[0-9a-f-]{36}$/);
  const admin = coach.getByRole('region', { name: 'Informations administratives' });
  await admin.getByLabel('Financeur').selectOption({ label: 'CPF' });
  await admin.getByLabel('Date de début').fill('2026-03-02');
  await admin.getByLabel('Date de fin').fill('2026-03-01');
  await admin.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(admin.getByText('La date de fin doit suivre la date de début.')).toBeVisible();
  await expect(admin.getByLabel('Date de fin')).toBeFocused();
  await admin.getByLabel('Date de fin').fill('2026-06-30');
  await admin.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(admin.getByRole('status').filter({ hasText: 'enregistrées' })).toHaveText(
    'Informations administratives enregistrées.',
  );

  // An abandonment needs its reason.
  await admin.getByLabel('Statut').selectOption({ label: 'Abandon' });
  await admin.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(admin.getByText("Indiquez le motif de l'abandon.")).toBeVisible();
  await admin.getByLabel('Statut').selectOption({ label: 'En cours' });

  // The dashboard row shows them.
  await coach.getByRole('link', { name: 'Tableau de bord', exact: true }).click();
  await expect(row).toContainText('CPF');
  await expect(row).toContainText('2 mars 2026 – 30 juin 2026');

  // The coach's own export of the hours.
  const [download] = await Promise.all([
    coach.waitForEvent('download'),
    coach.getByRole('link', { name: 'Exporter les heures (CSV)' }).click(),
  ]);
  const csv = await readFile(await download.path());
  expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  expect(csv.subarray(3).toString('utf8').split('\r\n')[0]).toBe(CSV_HEADER);

  for (const ctx of contexts) await ctx.close();
});

test('the manager sees the organisation dashboard with its charts and exports the hours', async ({
  browser,
  server,
}) => {
  const { coach, contexts, accompaniment } = await coachAndLearner(browser, server.url);

  // One session of an hour, held tomorrow at 08:00 UTC (09:00 or 10:00 in Paris).
  const availability = await coach.request.put('/api/availability', {
    data: {
      timeZone: 'Europe/Paris',
      weekly: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, start: '09:00', end: '12:00' })),
      exceptions: [],
    },
  });
  expect(availability.ok(), await availability.text()).toBeTruthy();
  const day = new Date(Date.now() + DAY).toISOString().slice(0, 10);
  const start = `${day}T08:00:00.000Z`;
  const booked = await coach.request.post('/api/appointments', {
    data: { accompanimentId: accompaniment.id, start, durationMinutes: 60, mode: 'video' },
  });
  expect(booked.status(), await booked.text()).toBe(201);
  const { id: appointmentId } = (await booked.json()) as { id: string };
  const later = Date.parse(start) + 2 * 60 * 60 * 1000 - Date.now();
  expect((await coach.request.post('/api/test/clock', { data: { advanceMs: later } })).ok()).toBeTruthy();
  const held = await coach.request.post(`/api/appointments/${appointmentId}/held`, { data: {} });
  expect(held.status(), await held.text()).toBe(201);

  // A coach who signed up manages their own organisation.
  await coach.goto('/tableau-de-bord');
  await coach.getByRole('link', { name: 'Tableau de bord de la structure' }).click();
  await expect(coach).toHaveURL(/\/tableau-de-bord\/organisation$/);
  await expect(
    coach.getByRole('heading', { name: 'Tableau de bord de la structure', level: 1 }),
  ).toBeVisible();
  await expect(coach.getByText(`Structure de ${COACH.name}`)).toBeVisible();

  // The period of the session.
  await coach.getByLabel('Du', { exact: true }).fill(day);
  await coach.getByLabel('Au', { exact: true }).fill(day);
  await coach.getByRole('button', { name: 'Afficher' }).click();

  const figures = coach.getByRole('region', { name: 'Chiffres clés' });
  await expect(figures.getByRole('definition').first()).toHaveText('1');
  await expect(figures.locator('dl > div').filter({ hasText: 'Heures réalisées' })).toContainText('1 h');
  const hoursChart = coach.getByRole('img', { name: /^Heures réalisées par mois\./ });
  await expect(hoursChart).toHaveAccessibleName(/ : 1 h$/);
  await expect(hoursChart.locator('rect')).toHaveCount(1);
  const coachesChart = coach.getByRole('img', { name: /^Accompagnements en cours par accompagnant·e\./ });
  await expect(coachesChart).toHaveAccessibleName(new RegExp(`${COACH.name} : 1$`));

  // The text alternative of a chart.
  await coach.getByText('Voir les données en tableau').last().click();
  await expect(
    coach
      .getByRole('table', { name: 'Accompagnements en cours par accompagnant·e' })
      .getByRole('row', { name: new RegExp(COACH.name) }),
  ).toContainText('1');

  // The satisfaction results (Qualiopi indicator 30) for the same period.
  await expect(coach.getByRole('region', { name: 'Satisfaction des personnes accompagnées' })).toContainText(
    'Aucune réponse sur cette période.',
  );

  // The CSV of the period: BOM, French header, the session — administrative facts only.
  const [download] = await Promise.all([
    coach.waitForEvent('download'),
    coach.getByRole('link', { name: 'Exporter les heures (CSV)' }).click(),
  ]);
  const csv = await readFile(await download.path());
  expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const lines = csv.subarray(3).toString('utf8').split('\r\n');
  expect(lines[0]).toBe(CSV_HEADER);
  expect(lines[1]).toMatch(
    new RegExp(`^${TITLE};${LEARNER.name};${COACH.name};;\\d\\d/\\d\\d/\\d{4} \\d\\d:00;60;`),
  );

  // Filters: nothing is financed by the CPF.
  await coach.getByLabel('Financeur').selectOption({ label: 'CPF' });
  await coach.getByRole('button', { name: 'Afficher' }).click();
  await expect(figures.getByRole('definition').first()).toHaveText('0');

  // A period that ends before it starts is refused in French.
  await coach.getByLabel('Du', { exact: true }).fill('2099-01-01');
  await expect(coach.getByText('La fin de la période doit suivre son début.')).toBeVisible();
  await expect(coach.getByRole('button', { name: 'Afficher' })).toBeDisabled();

  for (const ctx of contexts) await ctx.close();
});

test('the manager names a colleague co-referent, who then follows the accompaniment', async ({
  browser,
  server,
}) => {
  const { coach, contexts, accompaniment } = await coachAndLearner(browser, server.url);

  // Marc joins Claire's organisation.
  const invitation = await coach.request.post('/api/organisation/invitations', {
    data: { email: COLLEAGUE.email },
  });
  expect(invitation.status()).toBe(201);
  const { token } = (await invitation.json()) as { token: string };
  const colleagueCtx = await browser.newContext({ baseURL: server.url });
  contexts.push(colleagueCtx);
  const accepted = await colleagueCtx.request.post(`/api/organisation/invitations/${token}/accept`, {
    data: { name: COLLEAGUE.name, password: COLLEAGUE.password },
  });
  expect(accepted.status()).toBe(201);
  const colleague = await colleagueCtx.newPage();

  // Before: nothing on Marc's dashboard.
  await colleague.goto('/tableau-de-bord');
  await expect(colleague.getByText("Aucun accompagnement pour l'instant.")).toBeVisible();

  await coach.goto(`/accompagnements/${accompaniment.id}`);
  await new WorkspacePage(coach).expectStatus('online');
  const panel = coach.getByRole('region', { name: 'Co-référent·es' });
  await expect(panel).toContainText(`Accompagnant·e référent·e : ${COACH.name}`);
  await expect(panel).toContainText('Aucun·e co-référent·e pour le moment.');
  await panel.getByRole('button', { name: 'Ajouter comme co-référent·e' }).click();
  await expect(panel.getByRole('alert')).toHaveText('Choisissez une personne de la structure.');
  await panel.getByLabel('Accompagnant·e de la structure').selectOption({ label: COLLEAGUE.name });
  await panel.getByRole('button', { name: 'Ajouter comme co-référent·e' }).click();
  await expect(panel.getByRole('listitem').filter({ hasText: COLLEAGUE.name })).toBeVisible();

  // Marc now sees it on his dashboard and in the workspace, without the manager's controls.
  await colleague.reload();
  const row = colleague.getByRole('row').filter({ hasText: TITLE });
  await expect(row).toContainText(LEARNER.name);
  await row.getByRole('link', { name: TITLE }).click();
  const colleaguePanel = colleague.getByRole('region', { name: 'Co-référent·es' });
  await expect(colleaguePanel.getByRole('listitem').filter({ hasText: COLLEAGUE.name })).toContainText(
    '(vous)',
  );
  await expect(colleaguePanel.getByRole('button', { name: /Retirer/ })).toHaveCount(0);

  // Claire removes him again.
  await panel.getByRole('button', { name: `Retirer ${COLLEAGUE.name}` }).click();
  await expect(panel).toContainText('Aucun·e co-référent·e pour le moment.');

  for (const ctx of contexts) await ctx.close();
});
