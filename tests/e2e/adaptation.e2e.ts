import { coachAndLearner } from '../fixtures/accounts.ts';
import { expect, test } from '../fixtures/test.ts';
import { openWorkspaces } from '../page-models/workspace.ts';

test('a pull-forward with its reason reaches the learner live, first in “Aujourd’hui”, and is in the timeline', async ({
  browser,
  server,
}) => {
  const { coach, learner, contexts, accompaniment } = await coachAndLearner(browser, server.url, {
    template: 'bilan',
  });
  const url = `/accompagnements/${accompaniment.id}`;
  const { c, l } = await openWorkspaces(coach, learner, url);
  await expect(l.today).toBeVisible();
  await expect(l.today).not.toContainText('Préparer un entretien');

  // Léa announces a job interview next week: the coach pulls the step forward, with the reason.
  await c.adapt('Préparer un entretien', 'Avancer', 'entretien chez X le 3/12');

  await expect(l.today.getByRole('listitem').first()).toContainText('Préparer un entretien', {
    timeout: 3_000,
  });
  await expect(l.today).toContainText('Avancée');
  for (const page of [c, l]) {
    await expect(page.timeline).toContainText('Préparer un entretien');
    await expect(page.timeline).toContainText('entretien chez X le 3/12');
    await expect(page.timeline).toContainText('Claire Dubois');
  }

  // The server's timeline records it too, with the authenticated author.
  await expect
    .poll(async () => {
      const res = await coach.request.get(`/api/accompaniments/${accompaniment.id}/timeline`);
      const rows = (await res.json()) as { kind: string; reason: string | null; by: { name: string } }[];
      return rows[0] && { kind: rows[0].kind, reason: rows[0].reason, by: rows[0].by.name };
    })
    .toEqual({ kind: 'pulled-forward', reason: 'entretien chez X le 3/12', by: 'Claire Dubois' });

  // A skip without a reason is refused with a clear message and changes nothing.
  await c.openActions('Entretien de suivi à six mois');
  await coach.getByRole('button', { name: 'Passer', exact: true }).click();
  await coach.getByRole('button', { name: 'Confirmer' }).click();
  await expect(coach.getByRole('dialog').getByRole('alert')).toContainText(/raison/i);
  await coach.keyboard.press('Escape');
  await expect(coach.getByLabel("Statut de l'étape Entretien de suivi à six mois")).toHaveValue('todo');
  for (const ctx of contexts) await ctx.close();
});
