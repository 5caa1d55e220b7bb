import { coachAndLearner } from '../fixtures/accounts.ts';
import { expect, test } from '../fixtures/test.ts';
import { WorkspacePage } from '../page-models/workspace.ts';

test('the learner cannot complete a step without its expected contribution, then can', async ({
  browser,
  server,
}) => {
  const { coach, learner, contexts, accompaniment } = await coachAndLearner(browser, server.url, {
    template: 'bilan',
  });
  const url = `/accompagnements/${accompaniment.id}`;
  await coach.goto(url);
  await learner.goto(url);
  const l = new WorkspacePage(learner);
  await l.expectStatus('online');
  const title = 'Définition des objectifs du bilan';
  const status = learner.getByLabel(`Statut de l'étape ${title}`).first();

  await status.selectOption({ label: 'Fait' });
  await expect(l.step(title).getByRole('alert').first()).toContainText('Répondez d’abord');
  await expect(status).not.toHaveValue('done');

  await learner
    .getByLabel(`Ma contribution — ${title}`)
    .first()
    .fill('Savoir si je peux devenir paysagiste sans perdre en salaire.');
  await status.selectOption({ label: 'Fait' });
  await expect(status).toHaveValue('done');
  await expect(coach.getByLabel(`Statut de l'étape ${title}`)).toHaveValue('done');
  await expect(
    coach.getByText('Savoir si je peux devenir paysagiste sans perdre en salaire.').first(),
  ).toBeVisible();
  for (const ctx of contexts) await ctx.close();
});
