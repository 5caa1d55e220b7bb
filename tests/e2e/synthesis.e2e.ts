import { COACH, coachAndLearner } from '../fixtures/accounts.ts';
import { expect, test } from '../fixtures/test.ts';
import { openWorkspaces } from '../page-models/workspace.ts';

test('coach and learner co-write the document de synthèse, the learner validates it, both download the PDF', async ({
  browser,
  server,
}) => {
  const { coach, learner, contexts, accompaniment } = await coachAndLearner(browser, server.url);
  const { c, l } = await openWorkspaces(coach, learner, `/accompagnements/${accompaniment.id}`);
  await expect(c.synthesis).toBeVisible();
  await expect(l.synthesis.getByText('Pas encore validé par la personne accompagnée')).toBeVisible();

  // Two sections written by each, seen live by the other.
  await c.typeInSynthesis('Compétences et aptitudes', 'Sens de l’écoute, rigueur.');
  await expect(l.synthesisSection('Compétences et aptitudes')).toContainText('Sens de l’écoute, rigueur.', {
    timeout: 3_000,
  });
  await l.typeInSynthesis('Motivations', 'Travailler dehors, au contact du vivant.');
  await expect(c.synthesisSection('Motivations')).toContainText('Travailler dehors, au contact du vivant.', {
    timeout: 3_000,
  });
  await expect(c.synthesis.getByRole('button', { name: 'Valider le document de synthèse' })).toHaveCount(0);

  // The learner validates, after a confirmation saying whose document it is.
  await l.synthesis.getByRole('button', { name: 'Valider le document de synthèse' }).click();
  const dialog = learner.getByRole('dialog', { name: 'Valider le document de synthèse ?' });
  await expect(dialog).toContainText('seule personne destinataire');
  await dialog.getByRole('button', { name: 'Valider', exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(l.synthesis.getByRole('status')).toContainText('Validé le');
  await expect(l.synthesis.getByRole('status')).toContainText('par Léa Martin');
  await expect(c.synthesis.getByRole('status')).toContainText('Validé le', { timeout: 10_000 });

  // The PDF: the link downloads it for the coach; the learner's session gets it too.
  const pdfPath = `/api/accompaniments/${accompaniment.id}/synthesis.pdf`;
  const link = c.synthesis.getByRole('link', { name: 'Télécharger le PDF' });
  await expect(link).toHaveAttribute('href', pdfPath);
  const [download] = await Promise.all([coach.waitForEvent('download'), link.click()]);
  expect(await download.failure()).toBeNull();
  for (const ctx of contexts) {
    const res = await ctx.request.get(pdfPath);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('application/pdf');
    expect((await res.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  }

  // Another coach, signed in, is refused.
  const stranger = await browser.newContext({ baseURL: server.url });
  const signUp = await stranger.request.post('/api/auth/sign-up/email', {
    data: { ...COACH, name: 'Autre Coach', email: 'autre.coach@exemple.fr' },
  });
  expect(signUp.ok()).toBeTruthy();
  expect((await stranger.request.get(pdfPath)).status()).toBe(403);
  await stranger.close();

  // A change after the validation shows on both sides.
  await c.typeInSynthesis('Projet(s) professionnel(s)', 'Paysagiste.');
  await expect(c.synthesis.getByText('Modifié depuis la validation')).toBeVisible({ timeout: 10_000 });
  await expect(l.synthesis.getByText('Modifié depuis la validation')).toBeVisible({ timeout: 10_000 });
  for (const ctx of contexts) await ctx.close();
});
