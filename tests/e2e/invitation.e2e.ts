import { COACH, LEARNER } from '../fixtures/accounts.ts';
import { expect, test } from '../fixtures/test.ts';
import { WorkspacePage } from '../page-models/workspace.ts';

test('a coach signs up, creates a bilan, invites the learner who joins and sees the same pathway', async ({
  browser,
  server,
}) => {
  const coachCtx = await browser.newContext({ baseURL: server.url });
  const coach = await coachCtx.newPage();
  await coach.goto('/');
  await expect(coach).toHaveURL(/\/connexion/);
  await coach.getByRole('link', { name: /Créer un compte/ }).click();
  await coach.getByLabel('Nom').fill(COACH.name);
  await coach.getByLabel('Adresse e-mail').fill(COACH.email);
  await coach.getByLabel('Mot de passe', { exact: true }).fill(COACH.password);
  await coach.getByRole('button', { name: 'Créer mon compte' }).click();
  await expect(coach).toHaveURL(/\/accompagnements$/);

  await coach.getByLabel('Intitulé').fill('Bilan de compétences — Léa Martin');
  await coach.getByLabel("Type d'accompagnement").selectOption('bilan');
  await coach.getByLabel('Heures contractualisées').fill('24');
  await coach.getByRole('button', { name: "Créer l'accompagnement" }).click();
  await expect(coach).toHaveURL(/\/accompagnements\/[0-9a-f-]{36}$/);
  const workspace = new WorkspacePage(coach);
  await expect(coach.getByRole('heading', { name: 'Bilan de compétences — Léa Martin' })).toBeVisible();
  await workspace.expectStatus('online');
  await workspace.addStep('Phase préliminaire', 'Entretien préalable');

  await coach.getByLabel('Adresse e-mail de la personne accompagnée').fill(LEARNER.email);
  await coach.getByRole('button', { name: 'Inviter', exact: true }).click();
  const link = await coach.getByLabel("Lien d'invitation").inputValue();
  expect(link).toMatch(/\/invitation\/[A-Za-z0-9_-]{20,}$/);

  const learnerCtx = await browser.newContext({ baseURL: server.url });
  const learner = await learnerCtx.newPage();
  await learner.goto(link);
  await expect(learner.getByText('Bilan de compétences — Léa Martin')).toBeVisible();
  await learner.getByLabel('Nom').fill(LEARNER.name);
  await learner.getByLabel('Mot de passe', { exact: true }).fill(LEARNER.password);
  await learner.getByLabel('Confirmation').fill(LEARNER.password);
  await learner.getByRole('button', { name: "Rejoindre l'accompagnement" }).click();
  await expect(learner).toHaveURL(/\/accompagnements\/[0-9a-f-]{36}$/);
  await expect(new WorkspacePage(learner).step('Entretien préalable')).toBeVisible();
  for (const phase of ['Phase préliminaire', "Phase d'investigation", 'Phase de conclusion'])
    await expect(learner.getByRole('heading', { name: phase })).toBeVisible();

  // Signing out returns to the sign-in page; signing back in works.
  await learner.getByRole('button', { name: 'Se déconnecter' }).click();
  await expect(learner).toHaveURL(/\/connexion/);
  await learner.getByLabel('Adresse e-mail').fill(LEARNER.email);
  await learner.getByLabel('Mot de passe').fill('mauvais mot de passe');
  await learner.getByRole('button', { name: 'Se connecter' }).click();
  await expect(learner.getByRole('alert')).toContainText(/incorrect|invalide/i);
  await learner.getByLabel('Mot de passe').fill(LEARNER.password);
  await learner.getByRole('button', { name: 'Se connecter' }).click();
  await expect(learner).toHaveURL(/\/accompagnements/);
  await expect(learner.getByText('Bilan de compétences — Léa Martin')).toBeVisible();
  await coachCtx.close();
  await learnerCtx.close();
});
