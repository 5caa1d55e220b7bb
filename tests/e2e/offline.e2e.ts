import { coachAndLearner } from '../fixtures/accounts.ts';
import { expect, test } from '../fixtures/test.ts';
import { WorkspacePage, openWorkspaces } from '../page-models/workspace.ts';

test('the learner edits offline, reloads offline, reconnects, and both converge with nothing lost', async ({
  browser,
  server,
}) => {
  const { coach, learner, contexts, accompaniment } = await coachAndLearner(browser, server.url);
  const [, learnerCtx] = contexts;
  const url = `/accompagnements/${accompaniment.id}`;
  const { c, l } = await openWorkspaces(coach, learner, url);
  await l.waitForServiceWorker();
  await c.addStep('Phase préliminaire', 'Entretien préalable');
  await expect(l.step('Entretien préalable')).toBeVisible();

  // On the train.
  await learnerCtx!.setOffline(true);
  await l.expectStatus('offline');
  await l.addStep("Phase d'investigation", 'Lire la fiche métier (hors ligne)');
  await l.setStatus('Entretien préalable', 'Fait');
  await l.typeInNotes('Écrit dans le train.');
  await l.expectSavedLocally();
  await expect(l.status).toHaveText('Hors ligne — modifications enregistrées sur cet appareil');

  // The tab closes and reopens, still offline: the app shell and the edits come back from this device.
  await learner.reload();
  await l.expectStatus('offline');
  await expect(l.step('Lire la fiche métier (hors ligne)')).toBeVisible();
  await expect(learner.getByLabel("Statut de l'étape Entretien préalable")).toHaveValue('done');
  await expect(l.notes).toContainText('Écrit dans le train.');

  // Meanwhile the coach keeps working.
  await c.addStep('Phase de conclusion', 'Rédiger la synthèse');
  await c.typeInNotes(' Le coach prépare la séance 2.');

  // Back online: everything merges, no conflict dialog, nothing lost.
  await learnerCtx!.setOffline(false);
  await l.expectStatus('online');
  for (const page of [c, l]) {
    await expect(page.step('Lire la fiche métier (hors ligne)')).toBeVisible();
    await expect(page.step('Rédiger la synthèse')).toBeVisible();
    await expect(page.notes).toContainText('Écrit dans le train.');
    await expect(page.notes).toContainText('Le coach prépare la séance 2.');
  }
  await expect(coach.getByLabel("Statut de l'étape Entretien préalable")).toHaveValue('done');
  for (const ctx of contexts) await ctx.close();
});

test('the app shell opens offline on a fresh navigation', async ({ browser, server }) => {
  const { learner, contexts, accompaniment } = await coachAndLearner(browser, server.url);
  await learner.goto(`/accompagnements/${accompaniment.id}`);
  const l = new WorkspacePage(learner);
  await l.expectStatus('online');
  await l.waitForServiceWorker();
  await contexts[1]!.setOffline(true);
  await learner.goto('/accompagnements');
  await expect(learner.getByText('Bilan de compétences — Léa Martin')).toBeVisible();
  await learner.goto(`/accompagnements/${accompaniment.id}`);
  await expect(learner.getByRole('heading', { name: "Phase d'investigation" })).toBeVisible();
  await l.expectStatus('offline');
  for (const ctx of contexts) await ctx.close();
});
