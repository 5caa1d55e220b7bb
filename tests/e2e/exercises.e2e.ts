import { coachAndLearner } from '../fixtures/accounts.ts';
import { expect, test } from '../fixtures/test.ts';
import { ExercisesPage } from '../page-models/exercises.ts';
import { openWorkspaces } from '../page-models/workspace.ts';

const TITLE = 'Mon projet professionnel';
const CHOICE = 'Où en êtes-vous dans votre projet ?';
const TEXT = 'Décrivez le métier qui vous attire.';

test('exercise: built in the library, placed in a step, filled in offline, commented live both ways', async ({
  browser,
  server,
}) => {
  const { coach, learner, contexts, accompaniment } = await coachAndLearner(browser, server.url);
  const [, learnerCtx] = contexts;
  const ce = new ExercisesPage(coach);
  const le = new ExercisesPage(learner);

  // The coach builds the exercise from a blank starter: a free text question, then a single choice.
  await coach.goto('/bibliotheque');
  await ce.startExercise('Exercice vierge');
  const builder = ce.newExercise;
  await builder.getByLabel("Titre de l'exercice").fill('');
  await builder.getByLabel('Intitulé de la question 1').fill(TEXT);
  await builder.getByRole('button', { name: "Ajouter l'exercice à la bibliothèque" }).click();
  await expect(builder.getByRole('alert')).toHaveText('Donnez un titre à l’exercice.');
  await builder.getByLabel("Titre de l'exercice").fill(TITLE);
  await ce.addQuestion('Choix unique', 2, CHOICE);
  await builder.getByLabel('Choix 1 de la question 2').fill('Je découvre des pistes');
  await builder.getByLabel('Choix 2 de la question 2').fill('Je confirme une piste');
  await ce.saveNewExercise();
  const card = ce.libraryExercises.getByRole('listitem').filter({ hasText: TITLE }).first();
  await expect(card).toContainText('Exercice · 2 questions');
  await expect(card).toContainText(CHOICE);

  // Both in the workspace; the coach places it in a step.
  const url = `/accompagnements/${accompaniment.id}`;
  const { c, l } = await openWorkspaces(coach, learner, url);
  await c.addStep('Phase préliminaire', 'Explorer les métiers');
  await ce.place('Explorer les métiers', TITLE);
  await expect(ce.exercise(TITLE)).toBeVisible();
  await expect(le.exercise(TITLE)).toBeVisible();
  await expect(ce.exercise(TITLE)).toContainText('Questions répondues : 0 sur 2');

  // The learner answers on the train.
  await learnerCtx!.setOffline(true);
  await l.expectStatus('offline');
  await le.exercise(TITLE).getByRole('radio', { name: 'Je confirme une piste' }).check();
  await le.textAnswer(TITLE, TEXT).click();
  await learner.keyboard.type('Infirmière puéricultrice, au contact des familles.');
  await l.expectSavedLocally();
  await le.expectSaved(TITLE, 'saved');
  await expect(le.exercise(TITLE).locator('[data-exercise-save]')).toHaveText(
    'Réponses enregistrées sur cet appareil',
  );
  await expect(le.exercise(TITLE)).toContainText('Questions répondues : 2 sur 2');
  // Nothing has left the device yet.
  await expect(ce.exercise(TITLE)).toContainText('Questions répondues : 0 sur 2');

  // Back online: the coach, page open all along, sees the answers arrive.
  await learnerCtx!.setOffline(false);
  await l.expectStatus('online');
  await le.expectSaved(TITLE, 'synced');
  await expect(ce.exercise(TITLE)).toContainText('Je confirme une piste');
  await expect(ce.exercise(TITLE)).toContainText('Infirmière puéricultrice, au contact des familles.');
  await expect(ce.exercise(TITLE)).toContainText('Questions répondues : 2 sur 2');
  // The coach reads, and does not fill in.
  await expect(ce.exercise(TITLE).getByRole('radio')).toHaveCount(0);
  await expect(ce.exercise(TITLE).getByRole('textbox', { name: TEXT, exact: true })).toHaveCount(0);

  // The coach comments beside the free-text answer; the learner sees it live and answers back.
  const comment = 'Belle piste : avez-vous pensé à une enquête métier ?';
  await ce.comment(TITLE, TEXT, comment);
  await expect(le.comments(TITLE, TEXT)).toContainText(comment);
  await expect(le.comments(TITLE, TEXT)).toContainText('Claire Dubois');
  await expect(le.exercise(TITLE).locator('[aria-live="polite"]', { hasText: comment })).toHaveText(
    `Nouveau commentaire de Claire Dubois : ${comment}`,
  );
  // No reply field beside the answer the coach did not comment on.
  await expect(le.comments(TITLE, CHOICE)).toHaveCount(0);
  const reply = 'Oui, je rencontre une puéricultrice jeudi.';
  await le.reply(TITLE, TEXT, reply);
  await expect(ce.comments(TITLE, TEXT)).toContainText(reply);
  await expect(ce.comments(TITLE, TEXT)).toContainText('Léa Martin');

  // The learner hands it in: read-only for them, "Rendu" for both; the history tells who did what.
  await le.exercise(TITLE).getByRole('button', { name: "Rendre l'exercice" }).click();
  await expect(le.exercise(TITLE).getByRole('radio')).toHaveCount(0);
  await expect(le.exercise(TITLE).getByRole('button', { name: 'Modifier mes réponses' })).toBeFocused();
  await expect(ce.exercise(TITLE).locator('[data-exercise-status]')).toContainText('Rendu le');
  const history = ce.exercise(TITLE).locator('details');
  await history.locator('summary').click();
  for (const line of [
    "Claire Dubois a placé l'exercice",
    `Léa Martin a répondu à « ${CHOICE} »`,
    `Léa Martin a répondu à « ${TEXT} »`,
    `Claire Dubois a commenté « ${TEXT} »`,
    `Léa Martin a commenté « ${TEXT} »`,
    "Léa Martin a rendu l'exercice",
  ])
    await expect(history).toContainText(line);
  for (const ctx of contexts) await ctx.close();
});

test('exercise: ranking, grid and timeline with the keyboard only', async ({ browser, server }) => {
  const { coach, learner, contexts, accompaniment } = await coachAndLearner(browser, server.url);
  const ce = new ExercisesPage(coach);
  const le = new ExercisesPage(learner);
  await coach.goto('/bibliotheque');
  await ce.startExercise(/Mes valeurs/);
  await ce.addQuestion('Grille', 3, 'Votre projet en SWOT');
  await ce.addQuestion('Ligne de vie', 4, 'Vos moments forts');
  await ce.saveNewExercise();

  const url = `/accompagnements/${accompaniment.id}`;
  const { c } = await openWorkspaces(coach, learner, url);
  await c.addStep('Phase préliminaire', 'Clarifier ses valeurs');
  await ce.place('Clarifier ses valeurs', 'Mes valeurs');
  const ex = le.exercise('Mes valeurs');
  await expect(ex).toBeVisible();

  // Ranking: « Descendre » on the first card, with the keyboard; the move is announced, the focus follows.
  const ranking = ex.getByRole('group', { name: 'Vos valeurs, par ordre d’importance', exact: true });
  const down = ranking.getByRole('button', { name: 'Descendre « Autonomie »' });
  await down.focus();
  await learner.keyboard.press('Enter');
  await expect(ranking.getByRole('listitem').nth(1)).toContainText('Autonomie');
  await expect(ranking.locator('[aria-live="polite"]')).toHaveText(
    '« Autonomie » est maintenant en position 2 sur 10.',
  );
  await expect(down).toBeFocused();
  await expect(
    ce
      .exercise('Mes valeurs')
      .getByRole('group', { name: 'Vos valeurs, par ordre d’importance', exact: true })
      .getByRole('listitem')
      .nth(1),
  ).toContainText('Autonomie');

  // Grid: the default cells of a new grid question, each a labelled list with its own field.
  const grid = ex.getByRole('group', { name: 'Votre projet en SWOT', exact: true });
  const field = grid.getByLabel('Ajouter dans « Colonne 1 »');
  await field.focus();
  await learner.keyboard.type('Sens de l’écoute');
  await learner.keyboard.press('Enter');
  await expect(grid.getByRole('list', { name: 'Colonne 1' })).toContainText('Sens de l’écoute');
  await expect(field).toHaveValue('');
  await learner.keyboard.press('Enter');
  await expect(grid.getByRole('alert')).toHaveText('Écrivez un texte avant de l’ajouter.');

  // Timeline: labelled date, event and feeling; a wrong date is explained in French.
  const timeline = ex.getByRole('group', { name: 'Vos moments forts', exact: true });
  await timeline.getByLabel("Date de l'événement").fill('09/2015');
  await timeline.getByLabel('Événement', { exact: true }).fill('Premier emploi');
  await timeline.getByLabel('Ressenti').selectOption({ label: 'Positif' });
  await timeline.getByRole('button', { name: "Ajouter l'événement" }).click();
  await expect(timeline.getByRole('alert')).toContainText('AAAA ou AAAA-MM');
  await timeline.getByLabel("Date de l'événement").fill('2015-09');
  await timeline.getByLabel("Date de l'événement").press('Enter');
  await expect(timeline.getByRole('listitem').filter({ hasText: 'Premier emploi' })).toContainText('09/2015');
  await expect(ce.exercise('Mes valeurs')).toContainText('Premier emploi');
  await expect(ce.exercise('Mes valeurs')).toContainText('Sens de l’écoute');
  for (const ctx of contexts) await ctx.close();
});
