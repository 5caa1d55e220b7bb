import { coachAndLearner } from '../fixtures/accounts.ts';
import { expect, test } from '../fixtures/test.ts';
import { WorkspacePage } from '../page-models/workspace.ts';

const DAY = 24 * 60 * 60 * 1000;

// The server's clock is moved forward through its test-only control instead of waiting eleven days.
test.use({ serverEnv: { COMPAGNON_CLOCK_CONTROL: '1' } });

test('the drop-out flag appears for an inactive learner and clears when they contribute', async ({
  browser,
  server,
}) => {
  const { coach, learner, contexts, accompaniment } = await coachAndLearner(browser, server.url);
  const card = coach.getByRole('article').filter({ hasText: 'Bilan de compétences — Léa Martin' });

  await coach.goto('/accompagnements');
  await expect(card).toBeVisible();
  await expect(card).not.toContainText('Aucune contribution');

  const advance = await coach.request.post('/api/test/clock', { data: { advanceMs: 11 * DAY } });
  expect(advance.ok()).toBeTruthy();
  await coach.reload();
  await expect(card).toContainText('Aucune contribution depuis 10 jours');

  // The learner contributes: the server notices their own edit, not a page view.
  await learner.goto(`/accompagnements/${accompaniment.id}`);
  const l = new WorkspacePage(learner);
  await l.expectStatus('online');
  await l.typeInNotes('Je me suis renseignée sur la formation.');
  await expect
    .poll(
      async () => {
        await coach.reload();
        return (await card.textContent()) ?? '';
      },
      { timeout: 15_000 },
    )
    .not.toContain('Aucune contribution');
  for (const ctx of contexts) await ctx.close();
});
