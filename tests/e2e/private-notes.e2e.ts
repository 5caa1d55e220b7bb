import { coachAndLearner } from '../fixtures/accounts.ts';
import { expect, test } from '../fixtures/test.ts';
import { WorkspacePage, openWorkspaces } from '../page-models/workspace.ts';

test('the coach’s private notes stay on the coach’s side: never shown, stored, synced or served to the learner', async ({
  browser,
  server,
}) => {
  const { coach, learner, contexts, accompaniment } = await coachAndLearner(browser, server.url);
  const secret = `Hypothèse confidentielle ${Date.now()}`;
  const { c, l } = await openWorkspaces(coach, learner, `/accompagnements/${accompaniment.id}`);

  // The coach sees the region with who can read it, and writes in it.
  await expect(c.privateNotesRegion).toBeVisible();
  await expect(c.privateNotesRegion).toContainText(
    'Visibles par vous seul·e — jamais transmises à la personne accompagnée',
  );
  await c.typeInPrivateNotes(secret);
  await expect(c.privateNotes).toContainText(secret);
  // A shared note goes through, proving the learner is connected while the private one is written.
  await c.typeInNotes('Note commune');
  await expect(l.notes).toContainText('Note commune', { timeout: 3_000 });

  // Stored on the server: it is still there after a reload on a fresh device of the coach.
  const otherDevice = await browser.newContext({
    baseURL: server.url,
    storageState: await contexts[0]!.storageState(),
  });
  const coach2 = await otherDevice.newPage();
  await coach2.goto(`/accompagnements/${accompaniment.id}`);
  await expect(new WorkspacePage(coach2).privateNotes).toContainText(secret, { timeout: 10_000 });
  await otherDevice.close();

  // The learner's page has no such region and never the text.
  await expect(l.privateNotesRegion).toHaveCount(0);
  await expect(learner.getByText(secret)).toHaveCount(0);
  expect(await learner.content()).not.toContain(secret);

  // Nothing stored on the learner's device for the private document; the coach's device keeps it.
  const privateDb = `compagnon:${accompaniment.privateDoc}`;
  expect(await l.localDatabases()).not.toContain(privateDb);
  expect(await l.localDatabases()).toContain(`compagnon:${accompaniment.sharedDoc}`);
  expect(await c.localDatabases()).toContain(privateDb);

  // A WebSocket opened by hand from the learner's page is refused before any message.
  const attempt = await learner.evaluate(async (docName) => {
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/sync/${docName}`;
    return new Promise<{ opened: boolean; messages: number; closed: boolean }>((resolve) => {
      const ws = new WebSocket(url);
      const result = { opened: false, messages: 0, closed: false };
      ws.onopen = () => (result.opened = true);
      ws.onmessage = () => (result.messages += 1);
      ws.onclose = () => resolve({ ...result, closed: true });
      setTimeout(() => resolve(result), 5_000);
    });
  }, accompaniment.privateDoc);
  expect(attempt).toEqual({ opened: false, messages: 0, closed: true });

  // No API answer the learner can reach contains it.
  const paths = [
    '/api/me',
    '/api/accompaniments',
    `/api/accompaniments/${accompaniment.id}`,
    `/api/accompaniments/${accompaniment.id}/timeline`,
  ];
  for (const path of paths) {
    const res = await contexts[1]!.request.get(path);
    expect(res.status(), path).toBe(200);
    const body = await res.text();
    expect(body, path).not.toContain(secret);
    expect(body, path).not.toContain(accompaniment.privateDoc);
  }
  for (const ctx of contexts) await ctx.close();
});
