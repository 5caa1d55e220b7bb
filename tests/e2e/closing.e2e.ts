import { coachAndLearner } from '../fixtures/accounts.ts';
import { expect, test } from '../fixtures/test.ts';
import { openWorkspaces } from '../page-models/workspace.ts';

test('the coach requests the closing, the learner agrees in writing to keep the synthesis, the coach executes it', async ({
  browser,
  server,
}) => {
  const { coach, learner, contexts, accompaniment } = await coachAndLearner(browser, server.url);
  const { c, l } = await openWorkspaces(coach, learner, `/accompagnements/${accompaniment.id}`);
  await l.typeInSynthesis('Compétences et aptitudes', 'Sens de l’écoute, rigueur.');
  await expect(c.synthesisSection('Compétences et aptitudes')).toContainText('Sens de l’écoute', {
    timeout: 5_000,
  });

  const cPanel = coach.getByRole('region', { name: 'Documents et clôture' });
  const lPanel = learner.getByRole('region', { name: 'Documents et clôture' });
  await expect(cPanel.getByRole('status').first()).toHaveText('Aucune clôture n’est demandée.');

  // The coach requests the closing.
  await cPanel.getByRole('button', { name: 'Demander la clôture' }).click();
  await expect(cPanel).toContainText('Clôture demandée : en attente de l’accord écrit de Léa Martin.');

  // The learner sees what will be destroyed, chooses to keep the synthesis and agrees in writing.
  await expect(lPanel).toContainText('La personne qui vous accompagne demande la clôture', {
    timeout: 15_000,
  });
  await expect(lPanel).toContainText('le document de synthèse');
  await lPanel.getByRole('checkbox', { name: 'Le document de synthèse (PDF)' }).check();
  await lPanel.getByRole('button', { name: 'Donner mon accord écrit' }).click();
  await expect(lPanel.getByRole('alert')).toHaveText('Cochez la case pour donner votre accord écrit.');
  await lPanel.getByRole('checkbox', { name: /Je donne mon accord écrit à la clôture/ }).check();
  await expect(lPanel).toContainText(
    'Je demande que soient conservés pendant un an : Le document de synthèse (PDF).',
  );
  await lPanel.getByRole('button', { name: 'Donner mon accord écrit' }).click();
  await expect(lPanel).toContainText('Accord écrit de la personne accompagnée enregistré le');

  // The coach executes it, after an explicit confirmation of an irreversible action.
  await expect(cPanel).toContainText(
    'Conservé pendant un an à la demande de la personne accompagnée : Le document de synthèse (PDF).',
    { timeout: 15_000 },
  );
  await cPanel.getByRole('button', { name: 'Exécuter la clôture…' }).click();
  const dialog = coach.getByRole('dialog', { name: 'Exécuter la clôture ?' });
  await expect(dialog).toContainText('Cette action est définitive');
  await dialog.getByRole('button', { name: 'Détruire les documents et clôturer' }).click();
  await expect(dialog.getByRole('alert')).toContainText('irréversible');
  await dialog
    .getByRole('checkbox', { name: 'Je comprends que cette destruction est irréversible.' })
    .check();
  await dialog.getByRole('button', { name: 'Détruire les documents et clôturer' }).click();
  await expect(dialog).toBeHidden();

  // The workspace shows the accompaniment closed, without its working documents, and the proof.
  await expect(
    coach.getByText('Cet accompagnement est clôturé : ses documents de travail ont été détruits.'),
  ).toBeVisible();
  await expect(c.notes).toHaveCount(0);
  await expect(cPanel).toContainText('Accompagnement clôturé le');
  const proof = cPanel.getByRole('group', { name: 'Preuve de suppression' });
  await expect(proof).toContainText('Clôture exécutée le');
  await expect(proof).toContainText('par Claire Dubois');
  await expect(proof).toContainText('Document partagé —');
  await expect(proof).toContainText('Document privé de la personne qui accompagne —');
  await expect(proof).toContainText('empreinte SHA-256 de l’état final');
  await expect(proof.getByRole('link', { name: 'Le document de synthèse (PDF)' })).toBeVisible();

  // The learner's side follows: closed, and the kept synthesis is theirs to download.
  await expect(
    learner.getByText('Cet accompagnement est clôturé : ses documents de travail ont été détruits.'),
  ).toBeVisible({
    timeout: 15_000,
  });
  const kept = lPanel.getByRole('link', { name: 'Le document de synthèse (PDF)' });
  const keptHref = await kept.getAttribute('href');
  const keptPdf = await contexts[1]!.request.get(keptHref!);
  expect(keptPdf.status()).toBe(200);
  expect((await keptPdf.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');

  // The certificate of completion downloads.
  const link = cPanel.getByRole('link', { name: 'Certificat de réalisation (PDF)' });
  await expect(link).toHaveAttribute('href', `/api/accompaniments/${accompaniment.id}/certificate.pdf`);
  const [download] = await Promise.all([coach.waitForEvent('download'), link.click()]);
  expect(await download.failure()).toBeNull();
  expect(download.suggestedFilename()).toBe('certificat-de-realisation.pdf');
  for (const ctx of contexts) {
    const res = await ctx.request.get(`/api/accompaniments/${accompaniment.id}/certificate.pdf`);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('application/pdf');
  }
  for (const ctx of contexts) await ctx.close();
});
