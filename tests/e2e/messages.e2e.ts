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
  await l.messages.getByRole('button', { name: 'Envoyer' }).click();
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
