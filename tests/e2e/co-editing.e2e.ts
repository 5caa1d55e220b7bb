import { coachAndLearner } from '../fixtures/accounts.ts';
import { expect, test } from '../fixtures/test.ts';
import { openWorkspaces } from '../page-models/workspace.ts';

test('coach and learner co-edit the pathway and the notes live and see each other’s cursor', async ({
  browser,
  server,
}) => {
  const { coach, learner, contexts, accompaniment } = await coachAndLearner(browser, server.url);
  const { c, l } = await openWorkspaces(coach, learner, `/accompagnements/${accompaniment.id}`);

  // Pathway: the coach adds, the learner sees; the learner changes a status, the coach sees.
  await c.addStep("Phase d'investigation", 'Enquête métier : paysagiste');
  await expect(l.step('Enquête métier : paysagiste')).toBeVisible({ timeout: 3_000 });
  await l.setStatus('Enquête métier : paysagiste', 'En cours');
  await expect(coach.getByLabel("Statut de l'étape Enquête métier : paysagiste")).toHaveValue('in_progress', {
    timeout: 3_000,
  });
  await l.addStep('Phase préliminaire', 'Mes attentes');
  await expect(c.step('Mes attentes')).toBeVisible({ timeout: 3_000 });

  // Notes: each sees the other's text within a fraction of a second, and the other's named cursor.
  await c.typeInNotes('Séance 1 : envie de travailler dehors.');
  await expect(l.notes).toContainText('Séance 1 : envie de travailler dehors.', { timeout: 3_000 });
  await l.typeInNotes(' Je regarde les formations.');
  await expect(c.notes).toContainText('Je regarde les formations.', { timeout: 3_000 });
  await expect(coach.locator('.ProseMirror-yjs-cursor')).toContainText('Léa Martin');
  await expect(learner.locator('.ProseMirror-yjs-cursor')).toContainText('Claire Dubois');
  for (const ctx of contexts) await ctx.close();
});
