import { coachAndLearner } from '../fixtures/accounts.ts';
import { expect, test } from '../fixtures/test.ts';
import { WorkspacePage } from '../page-models/workspace.ts';

test('a library resource inserted mid-accompaniment appears to the learner', async ({ browser, server }) => {
  const { coach, learner, contexts, accompaniment } = await coachAndLearner(browser, server.url);
  const url = `/accompagnements/${accompaniment.id}`;
  await learner.goto(url);
  const l = new WorkspacePage(learner);
  await l.expectStatus('online');

  await coach.goto('/bibliotheque');
  await coach.getByLabel('Type de ressource').selectOption({ label: 'Texte' });
  await coach.getByLabel('Titre', { exact: true }).fill('Les 5 questions du projet');
  await coach.getByLabel('Contenu').fill('Quoi ? Où ? Avec qui ? Comment ? Pourquoi ?');
  await coach.getByRole('button', { name: 'Ajouter à la bibliothèque' }).click();
  await expect(coach.getByText('Les 5 questions du projet').first()).toBeVisible();

  await coach.goto(url);
  const c = new WorkspacePage(coach);
  await c.expectStatus('online');
  await coach.getByRole('button', { name: 'Ajouter depuis la bibliothèque' }).nth(1).click();
  const picker = coach.getByRole('dialog', { name: 'Ajouter depuis la bibliothèque' });
  await picker.getByRole('button', { name: 'Insérer Les 5 questions du projet' }).click();
  await expect(c.step('Les 5 questions du projet')).toBeVisible();

  await expect(l.step('Les 5 questions du projet')).toBeVisible({ timeout: 3_000 });
  await expect(l.step('Les 5 questions du projet')).toContainText(
    'Quoi ? Où ? Avec qui ? Comment ? Pourquoi ?',
  );
  for (const ctx of contexts) await ctx.close();
});
