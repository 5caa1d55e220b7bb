import { coachAndLearner } from '../fixtures/accounts.ts';
import { expect, test } from '../fixtures/test.ts';
import { WorkspacePage } from '../page-models/workspace.ts';

// A tiny but real PDF: the server checks the content's signature, not the declared type.
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n' +
    'trailer<</Root 1 0 R>>\n%%EOF\n',
);

test('a document uploaded offline is queued with a visible state, sent when back online, and reaches the coach', async ({
  browser,
  server,
}) => {
  const { coach, learner, contexts, accompaniment } = await coachAndLearner(browser, server.url, {
    template: 'outplacement',
  });
  const url = `/accompagnements/${accompaniment.id}`;
  await coach.goto(url);
  await learner.goto(url);
  const l = new WorkspacePage(learner);
  await l.expectStatus('online');
  const title = 'CV et profil en ligne';
  const step = l.step(title).first();

  // Nothing to show yet: the step cannot be marked done.
  await learner.getByLabel(`Statut de l'étape ${title}`).first().selectOption({ label: 'Fait' });
  await expect(step.getByRole('alert').first()).toContainText('Déposez d’abord le document');

  await contexts[1]!.setOffline(true);
  await l.expectStatus('offline');
  await learner
    .getByLabel(`Déposer un document — ${title}`)
    .setInputFiles({ name: 'cv-lea.pdf', mimeType: 'application/pdf', buffer: PDF });
  await expect(step).toContainText('En attente de connexion');

  await contexts[1]!.setOffline(false);
  await expect(step).toContainText('Envoyé', { timeout: 15_000 });
  await expect(step.getByRole('link', { name: /cv-lea\.pdf/ })).toBeVisible();
  await learner.getByLabel(`Statut de l'étape ${title}`).first().selectOption({ label: 'Fait' });
  await expect(learner.getByLabel(`Statut de l'étape ${title}`).first()).toHaveValue('done');

  // The coach sees the document and can download it; an anonymous request cannot.
  const link = new WorkspacePage(coach)
    .step(title)
    .first()
    .getByRole('link', { name: /cv-lea\.pdf/ });
  await expect(link).toBeVisible();
  const href = await link.getAttribute('href');
  expect((await coach.request.get(href!)).status()).toBe(200);
  const anonymous = await browser.newContext({ baseURL: server.url });
  expect((await anonymous.request.get(href!)).status()).toBe(401);
  await anonymous.close();
  for (const ctx of contexts) await ctx.close();
});
