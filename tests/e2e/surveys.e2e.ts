import { COACH, LEARNER, coachAndLearner } from '../fixtures/accounts.ts';
import { expect, test } from '../fixtures/test.ts';

// The survey job runs every second here (every minute by default), so the end survey shows up as soon as the
// coach ends the accompaniment; the clock is controllable like in the other scheduling tests.
test.use({ serverEnv: { COMPAGNON_CLOCK_CONTROL: '1', SURVEY_JOB_INTERVAL_SECONDS: '1' } });

test('the learner gives their feedback at the end; the coach sees it counted in the organisation’s results', async ({
  browser,
  server,
}) => {
  test.setTimeout(90_000);
  const { coach, learner, accompaniment } = await coachAndLearner(browser, server.url);
  const workspace = `/accompagnements/${accompaniment.id}`;
  const yourSay = (page: typeof learner) => page.getByRole('region', { name: 'Votre avis' });

  // Under way: no questionnaire.
  await learner.goto(workspace);
  await expect(
    learner.getByRole('heading', { level: 1, name: 'Bilan de compétences — Léa Martin' }),
  ).toBeVisible();
  await expect(yourSay(learner)).toHaveCount(0);

  // The coach ends the accompaniment (administrative facts); the coach's workspace shows no survey yet.
  const ended = await coach.request.patch(`${server.url}/api/accompaniments/${accompaniment.id}/admin`, {
    data: { status: 'completed' },
  });
  expect(ended.status(), await ended.text()).toBe(200);

  // The job creates the end survey: the learner's list of accompaniments shows « Votre avis ».
  await expect(async () => {
    await learner.goto('/accompagnements');
    await expect(yourSay(learner)).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
  await expect(yourSay(learner)).toContainText(
    'Votre accompagnement « Bilan de compétences — Léa Martin » se termine.',
  );

  // The e-mail's link opens the workspace with the questionnaire open.
  await learner.goto(`${workspace}#votre-avis`);
  const card = yourSay(learner);
  await expect(card.getByRole('group', { name: /^Dans l’ensemble, êtes-vous satisfait·e/ })).toBeVisible();

  // Sent incomplete: what is missing is said, and the keyboard is taken to the first question to fix.
  await card.getByRole('button', { name: 'Envoyer mon avis' }).click();
  await expect(card.getByRole('alert')).toHaveText('Il manque 4 réponses : voyez les questions signalées.');
  const satisfaction = card.getByRole('group', { name: /^Dans l’ensemble, êtes-vous satisfait·e/ });
  await expect(satisfaction.getByRole('radio', { name: /^1/ })).toBeFocused();
  await expect(satisfaction).toContainText('Choisissez une note de 1 à 5.');

  // Answered from the keyboard and the mouse alike.
  await satisfaction.getByRole('radio', { name: '4', exact: true }).check();
  await card
    .getByRole('group', { name: /^Dans quelle mesure vos objectifs/ })
    .getByRole('radio', { name: /^5/ })
    .check();
  await card
    .getByRole('group', { name: /^Comment jugez-vous la qualité d’écoute/ })
    .getByRole('radio', { name: /^5/ })
    .check();
  await card
    .getByRole('group', { name: /^Recommanderiez-vous/ })
    .getByRole('radio', { name: 'Oui' })
    .check();
  await card.getByLabel('Un commentaire, une suggestion ? (facultatif)').fill('Un accompagnement précieux.');
  await card.getByRole('button', { name: 'Envoyer mon avis' }).click();
  await expect(card.getByRole('status')).toHaveText('Merci ! Votre avis a bien été enregistré.');
  await expect(card.getByRole('status')).toBeFocused();

  // Answered: no more « Votre avis », here or on the list.
  await learner.goto('/accompagnements');
  await expect(learner.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(learner.getByRole('article')).toHaveCount(1);
  await expect(yourSay(learner)).toHaveCount(0);

  // The coach sees that it was answered — not what — in the workspace…
  await coach.goto(workspace);
  const coachSurveys = coach.getByRole('region', { name: 'Questionnaires de satisfaction' });
  await expect(coachSurveys).toContainText('Fin d’accompagnement');
  await expect(coachSurveys).toContainText('réponse reçue le');
  await expect(coachSurveys).not.toContainText('Un accompagnement précieux.');

  // …and, managing their own organisation, the answer counted in its results, unattributed.
  await coach.goto('/tableau-de-bord/organisation');
  const results = coach.getByRole('region', { name: 'Satisfaction des personnes accompagnées' });
  await expect(results.locator('[data-figure="sent"]')).toHaveText('1');
  await expect(results.locator('[data-figure="responses"]')).toHaveText('1');
  await expect(results.locator('[data-figure="rate"]')).toHaveText(/^100\s?%$/);
  await expect(results).toContainText('Moyenne : 4,0 / 5');
  await expect(results).toContainText('100 % recommanderaient l’accompagnement (1 oui, 0 non).');
  await expect(results.getByRole('listitem')).toContainText('Un accompagnement précieux.');
  const satisfactionTable = results.getByRole('table', { name: /^Dans l’ensemble/ });
  await expect(satisfactionTable.getByRole('row', { name: /^4 / })).toContainText('1 (100');
  await expect(results).not.toContainText(LEARNER.name);
  await expect(results).not.toContainText(COACH.name);
  await expect(results).not.toContainText('Bilan de compétences');
});
