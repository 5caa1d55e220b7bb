import { COACH, coachAndLearner } from '../fixtures/accounts.ts';
import { expect, test } from '../fixtures/test.ts';
import { WorkspacePage } from '../page-models/workspace.ts';

const COLLEAGUE = { name: 'Marc Leroy', email: 'marc@exemple.fr', password: 'secret-de-marc' };

test('a coach shares a library resource with a colleague invited into the organisation', async ({
  browser,
  server,
}) => {
  const { coach, contexts } = await coachAndLearner(browser, server.url);

  // Claire invites Marc into her organisation.
  await coach.goto('/');
  await coach.getByRole('link', { name: 'Organisation' }).click();
  await expect(coach.getByLabel("Nom de l'organisation")).toHaveValue(`Structure de ${COACH.name}`);
  await coach.getByLabel("Adresse e-mail de l'accompagnant·e").fill(COLLEAGUE.email);
  await coach.getByRole('button', { name: "Inviter dans l'organisation" }).click();
  const link = await coach.getByLabel("Lien d'invitation").inputValue();
  expect(link).toMatch(/\/organisation\/invitation\/[A-Za-z0-9_-]{43}$/);
  await expect(coach.getByRole('button', { name: 'Copier le lien' })).toBeVisible();

  // Marc accepts in his own browser.
  const colleagueCtx = await browser.newContext({ baseURL: server.url });
  contexts.push(colleagueCtx);
  const colleague = await colleagueCtx.newPage();
  await colleague.goto(link);
  await colleague.getByLabel('Nom', { exact: true }).fill(COLLEAGUE.name);
  await colleague.getByLabel('Mot de passe', { exact: true }).fill(COLLEAGUE.password);
  await colleague.getByLabel('Confirmation', { exact: true }).fill(COLLEAGUE.password);
  await colleague.getByRole('button', { name: "Rejoindre l'organisation" }).click();
  await expect(colleague).toHaveURL(/\/accompagnements$/);

  // Claire adds a shared resource and a private one.
  await coach.goto('/bibliotheque');
  const newResource = coach.getByRole('region', { name: 'Nouvelle ressource' });
  const add = async (title: string, content: string, shared: boolean) => {
    await newResource.getByLabel('Type de ressource').selectOption({ label: 'Texte' });
    await newResource.getByLabel('Titre', { exact: true }).fill(title);
    await newResource.getByLabel('Contenu').fill(content);
    await newResource.getByLabel('Partager avec mon organisation').setChecked(shared);
    await newResource.getByRole('button', { name: 'Ajouter à la bibliothèque' }).click();
    await expect(coach.getByRole('heading', { name: title })).toBeVisible();
  };
  await add('Grille des valeurs professionnelles', 'Autonomie, sécurité, reconnaissance.', true);
  await add('Mes notes de supervision', 'Ne pas partager.', false);
  await expect(
    coach.getByRole('listitem').filter({ hasText: 'Grille des valeurs professionnelles' }),
  ).toContainText('Partagé');

  // Marc sees the shared one, read-only, and not the private one.
  const accompaniment = await colleagueCtx.request.post('/api/accompaniments', {
    data: { title: 'Outplacement — Karim Benali', kind: 'outplacement', hoursBudget: 20 },
  });
  expect(accompaniment.status()).toBe(201);
  const { id } = (await accompaniment.json()) as { id: string };
  await colleague.goto('/bibliotheque');
  const sharedCard = colleague
    .getByRole('listitem')
    .filter({ hasText: 'Grille des valeurs professionnelles' });
  await expect(sharedCard).toContainText(`Partagé par ${COACH.name}`);
  await expect(sharedCard.getByRole('button', { name: /Modifier|Supprimer/ })).toHaveCount(0);
  await expect(colleague.getByText('Mes notes de supervision')).toHaveCount(0);

  // …and inserts it into one of his accompaniments.
  await colleague.goto(`/accompagnements/${id}`);
  const workspace = new WorkspacePage(colleague);
  await workspace.expectStatus('online');
  await colleague.getByRole('button', { name: 'Ajouter depuis la bibliothèque' }).first().click();
  const picker = colleague.getByRole('dialog', { name: 'Ajouter depuis la bibliothèque' });
  await expect(picker.getByText('Mes notes de supervision')).toHaveCount(0);
  await picker.getByRole('button', { name: 'Insérer Grille des valeurs professionnelles' }).click();
  await expect(workspace.step('Grille des valeurs professionnelles')).toBeVisible();

  for (const ctx of contexts) await ctx.close();
});
