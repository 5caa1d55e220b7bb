import { readFile } from 'node:fs/promises';
import { coachAndLearner } from '../fixtures/accounts.ts';
import { expect, test } from '../fixtures/test.ts';
import { WorkspacePage, openWorkspaces } from '../page-models/workspace.ts';

test('messages: sent offline and delivered on reconnection, answered live, always shown as text', async ({
  browser,
  server,
}) => {
  const { coach, learner, contexts, accompaniment } = await coachAndLearner(browser, server.url);
  const [, learnerCtx] = contexts;
  const dialogs: string[] = [];
  for (const page of [coach, learner])
    page.on('dialog', (d) => void d.dismiss().then(() => dialogs.push(d.message())));
  const url = `/accompagnements/${accompaniment.id}`;
  const { c, l } = await openWorkspaces(coach, learner, url);
  await expect(l.messages.getByRole('heading', { name: 'Messages', exact: true })).toBeVisible();

  // The learner writes on the train.
  await learnerCtx!.setOffline(true);
  await l.expectStatus('offline');
  const offline = 'Bonjour, je vous écris depuis le train.';
  await l.sendMessage(offline);
  await expect(l.message(offline)).toContainText('Envoyé — en attente de connexion');
  await expect(l.message(offline)).toContainText('Vous');
  await expect(c.message(offline)).toHaveCount(0);

  // Back online: the message leaves and the coach sees it.
  await learnerCtx!.setOffline(false);
  await l.expectStatus('online');
  await expect(c.message(offline)).toBeVisible();
  await expect(c.message(offline)).toContainText('Léa Martin');
  await expect(l.message(offline)).not.toContainText('en attente de connexion');

  // The coach answers live, with Ctrl+Enter.
  const answer = 'Bien reçu, on en parle jeudi.';
  await c.sendMessage(answer, 'keyboard');
  await expect(l.message(answer)).toBeVisible();
  await expect(l.message(answer)).toContainText('Claire Dubois');
  // Announced to screen readers.
  await expect(l.messages.locator('[aria-live="polite"]')).toHaveText(
    `Nouveau message de Claire Dubois : ${answer}`,
  );

  // Hostile text stays text: no element is created, no script runs.
  const hostile = '<img src=x onerror=alert(1)>';
  await c.sendMessage(hostile);
  for (const page of [c, l]) {
    await expect(page.message(hostile)).toBeVisible();
    await expect(page.messages.locator('img')).toHaveCount(0);
    await expect(page.message(hostile).locator('.messages__text')).toHaveText(hostile);
  }
  expect(dialogs).toEqual([]);
  for (const ctx of contexts) await ctx.close();
});

test('messages: an empty message is refused, and the other person sees an unread count', async ({
  browser,
  server,
}) => {
  const { coach, learner, contexts, accompaniment } = await coachAndLearner(browser, server.url);
  const url = `/accompagnements/${accompaniment.id}`;
  await learner.goto(url);
  const l = new WorkspacePage(learner);
  await l.expectStatus('online');
  await l.messages.getByLabel('Votre message').fill('   ');
  await l.messages.getByRole('button', { name: 'Envoyer', exact: true }).click();
  await expect(l.messages.getByRole('alert')).toHaveText('Écrivez un message avant de l’envoyer.');
  await l.sendMessage('Première question');
  await l.sendMessage('Deuxième question');

  // The coach's device has never read the thread: the server counts two unread messages.
  const unread = async (): Promise<number> => {
    const res = await coach.request.get(
      `${server.url}/api/accompaniments/${accompaniment.id}/messages/unread`,
    );
    return ((await res.json()) as { unread: number }).unread;
  };
  await expect.poll(unread).toBe(2);
  await coach.setViewportSize({ width: 1280, height: 400 });
  await coach.goto(url);
  const c = new WorkspacePage(coach);
  await c.expectStatus('online');
  // Below the pathway, out of view: the heading says how many are waiting.
  await expect(c.messages.getByRole('heading', { name: 'Messages (2 non lus)' })).toBeAttached();
  await c.messages.scrollIntoViewIfNeeded();
  await expect(c.message('Deuxième question')).toBeVisible();
  // Seen on screen: marked read, here and on the server.
  await expect(c.messages.getByRole('heading', { name: 'Messages', exact: true })).toBeVisible();
  await expect.poll(unread).toBe(0);
  for (const ctx of contexts) await ctx.close();
});

// A tiny but real PDF: the server recognises the type from the content.
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n' +
    'trailer<</Root 1 0 R>>\n%%EOF\n',
);

test('messages: the learner attaches a PDF, the coach downloads it; refused files are explained in French', async ({
  browser,
  server,
}) => {
  const { coach, learner, contexts, accompaniment } = await coachAndLearner(browser, server.url);
  const { c, l } = await openWorkspaces(coach, learner, `/accompagnements/${accompaniment.id}`);
  const files = l.messages.getByLabel('Joindre des fichiers');
  const chosen = l.messages.getByRole('list', { name: 'Fichiers joints au message' });

  // A type that is never accepted is refused on the device, before anything leaves.
  await files.setInputFiles({
    name: 'outil.exe',
    mimeType: 'application/x-msdownload',
    buffer: Buffer.from('MZ\x90\x00'),
  });
  await expect(l.messages.getByRole('alert')).toHaveText(
    "« outil.exe » n'est pas d'un type accepté (PDF, image, texte, Word, Excel, PowerPoint ou OpenDocument texte).",
  );
  await expect(chosen).toHaveCount(0);

  // A page disguised as an image passes the device's check; the server, which reads the content, refuses it.
  await files.setInputFiles({
    name: 'photo.png',
    mimeType: 'image/png',
    buffer: Buffer.from('<html><script>window.__pwned = 1</script></html>'),
  });
  const fake = chosen.getByRole('listitem').filter({ hasText: 'photo.png' });
  await expect(fake).toContainText('Échec : Type de fichier non accepté');
  // It cannot leave with a message until it is removed; the text stays in the field.
  await l.messages.getByLabel('Votre message').fill('Voici mon CV.');
  await l.messages.getByRole('button', { name: 'Envoyer', exact: true }).click();
  await expect(l.messages.getByRole('alert')).toContainText('Un fichier n’a pas pu être envoyé');
  await expect(l.messages.getByLabel('Votre message')).toHaveValue('Voici mon CV.');
  await l.messages.getByRole('button', { name: 'Retirer photo.png du message' }).click();
  await expect(chosen).toHaveCount(0);

  // The real PDF is uploaded as soon as it is chosen, then leaves with the message.
  await files.setInputFiles({ name: 'cv-lea.pdf', mimeType: 'application/pdf', buffer: PDF });
  await expect(chosen.getByRole('listitem').filter({ hasText: 'cv-lea.pdf' })).toContainText('Prêt');
  await l.messages.getByRole('button', { name: 'Envoyer', exact: true }).click();
  await expect(l.messages.getByLabel('Votre message')).toHaveValue('');
  await expect(chosen).toHaveCount(0);
  await expect(l.message('Voici mon CV.').getByRole('link', { name: 'cv-lea.pdf' })).toBeVisible();

  // The coach sees it live and downloads the very bytes, under its name.
  const link = c.message('Voici mon CV.').getByRole('link', { name: 'cv-lea.pdf' });
  await expect(link).toBeVisible();
  await expect(c.message('Voici mon CV.')).toContainText('Léa Martin');
  const [download] = await Promise.all([coach.waitForEvent('download'), link.click()]);
  expect(download.suggestedFilename()).toBe('cv-lea.pdf');
  expect(Buffer.compare(await readFile((await download.path())!), PDF)).toBe(0);

  // Only the people of the accompaniment may fetch it.
  const href = await link.getAttribute('href');
  const anonymous = await browser.newContext({ baseURL: server.url });
  expect((await anonymous.request.get(href!)).status()).toBe(401);
  await anonymous.close();
  for (const ctx of contexts) await ctx.close();
});

test('messages: offline, a message with a file waits on the device, survives a reload, and leaves with its file', async ({
  browser,
  server,
}) => {
  const { coach, learner, contexts, accompaniment } = await coachAndLearner(browser, server.url);
  const [, learnerCtx] = contexts;
  const { c, l } = await openWorkspaces(coach, learner, `/accompagnements/${accompaniment.id}`);
  await l.waitForServiceWorker();

  await learnerCtx!.setOffline(true);
  await l.expectStatus('offline');
  await l.messages
    .getByLabel('Joindre des fichiers')
    .setInputFiles({ name: 'attestation.pdf', mimeType: 'application/pdf', buffer: PDF });
  const chosen = l.messages.getByRole('list', { name: 'Fichiers joints au message' });
  await expect(chosen.getByRole('listitem')).toContainText('En attente de connexion');
  const text = 'Mon attestation, envoyée depuis le train.';
  await l.sendMessage(text);
  await expect(chosen).toHaveCount(0);
  await expect(l.message(text)).toContainText('En attente de ses pièces jointes');
  await expect(l.message(text)).toContainText('attestation.pdf');

  // The tab reopens, still offline: the message and its file are still waiting on this device.
  await learner.reload();
  await l.expectStatus('offline');
  await expect(l.message(text)).toContainText('En attente de ses pièces jointes');
  await expect(c.message(text)).toHaveCount(0);

  // Back online: the file goes up, then the message leaves with it; text and file arrive together.
  await learnerCtx!.setOffline(false);
  const link = c.message(text).getByRole('link', { name: 'attestation.pdf' });
  await expect(link).toBeVisible({ timeout: 20_000 });
  await expect(l.message(text)).not.toContainText('En attente de ses pièces jointes');
  await expect(l.message(text).getByRole('link', { name: 'attestation.pdf' })).toBeVisible();
  expect((await coach.request.get((await link.getAttribute('href'))!)).status()).toBe(200);
  // Posted once.
  await expect(c.message(text)).toHaveCount(1);
  for (const ctx of contexts) await ctx.close();
});
