import { LEARNER, LEARNER_2, anotherLearner, coachAndLearner } from '../fixtures/accounts.ts';
import { expect, test } from '../fixtures/test.ts';
import { WorkshopPage, createWorkshop } from '../page-models/workshop.ts';

test('workshops: a live board, an anonymous poll, and private answers shared only by choice', async ({
  browser,
  server,
}) => {
  const { coach, learner, contexts } = await coachAndLearner(browser, server.url);
  const second = await anotherLearner(browser, server.url, coach);
  const dialogs: string[] = [];
  for (const page of [coach, learner, second.page])
    page.on('dialog', (d) => void d.dismiss().then(() => dialogs.push(d.message())));

  // The coach creates the workshop, gathers both learners, asks a prompt and starts a poll.
  const c = await createWorkshop(coach, 'Atelier CV — mars');
  await expect(c.column('Idées')).toBeVisible();
  await expect(c.column('Questions')).toBeVisible();
  await c.addParticipant(LEARNER.name);
  await c.addParticipant(LEARNER_2.name);
  const prompt = 'Quelle est votre plus grande réussite ?';
  await c.addPrompt(prompt);
  const question = 'Quel format préférez-vous ?';
  await c.createPoll(question, ['Présentiel', 'Distanciel', 'Les deux']);
  await expect(c.poll(question).getByRole('radio')).toHaveCount(0); // the coach does not vote

  // Both learners find it in their list and open it; each sees the other there.
  const workshopUrl = new URL(coach.url()).pathname;
  await learner.goto('/ateliers');
  await learner.getByRole('link', { name: 'Atelier CV — mars' }).click();
  await expect(learner).toHaveURL(workshopUrl);
  await second.page.goto(workshopUrl);
  const l1 = new WorkshopPage(learner);
  const l2 = new WorkshopPage(second.page);
  await l1.expectStatus('online');
  await l2.expectStatus('online');
  await expect(l1.presence).toContainText(LEARNER_2.name);
  await expect(l2.presence).toContainText(LEARNER.name);
  await expect(c.presence).toContainText(LEARNER.name);
  await expect(c.presence).toContainText(LEARNER_2.name);

  // Notes on the board show up live for the other learner, moves too (keyboard buttons).
  const idea = 'Mettre en avant les projets associatifs';
  await l1.addNote('Idées', idea);
  await expect(l2.note(idea, 'Idées')).toBeVisible();
  const doubt = 'Comment expliquer une année sans emploi ?';
  await l2.addNote('Questions', doubt);
  await expect(l1.note(doubt, 'Questions')).toBeVisible();
  await expect(l1.note(doubt)).toContainText(LEARNER_2.name);
  // From the keyboard: the focus stays on the moved note's button, and its new place is announced.
  await l1
    .note(idea)
    .getByRole('button', { name: `Déplacer « ${idea} » vers la colonne Questions` })
    .focus();
  await learner.keyboard.press('Enter');
  await expect(
    l1
      .note(idea, 'Questions')
      .getByRole('button', { name: `Déplacer « ${idea} » vers la colonne À retenir` }),
  ).toBeFocused();
  await expect(l1.board.locator('[aria-live="polite"]')).toHaveText(
    'Note déplacée dans « Questions », position 2 sur 2.',
  );
  await expect(l2.note(idea, 'Questions')).toBeVisible();
  await expect(l2.note(idea, 'Idées')).toHaveCount(0);
  // Someone else's note can be moved, not edited or deleted.
  await expect(l2.note(idea).getByRole('button', { name: `Modifier « ${idea} »` })).toHaveCount(0);
  await expect(l2.note(idea).getByRole('button', { name: `Supprimer « ${idea} »` })).toHaveCount(0);

  // Votes: anonymous results, two votes in total, everyone sees them.
  await l1.vote(question, 'Présentiel');
  await l2.vote(question, 'Distanciel');
  for (const page of [c, l1, l2]) {
    const poll = page.poll(question);
    await expect(poll.locator('[data-poll-total]')).toHaveText('2 votes au total');
    await expect(poll).toContainText('Présentiel : 1 vote (50 %)');
    await expect(poll).toContainText('Distanciel : 1 vote (50 %)');
    await expect(poll).toContainText('Les deux : 0 vote');
    await expect(poll).not.toContainText(LEARNER.name);
    await expect(poll).not.toContainText(LEARNER_2.name);
  }

  // Private answers: each learner's stays between them and the coach.
  const answer1 = 'Avoir mené le projet de jardin partagé du quartier';
  const answer2 = 'Ma reconversion dans la soudure en un an';
  await l1.writeAnswer(prompt, answer1);
  await l2.writeAnswer(prompt, answer2);
  await expect(c.answersOf(LEARNER.name)).toContainText(answer1);
  await expect(c.answersOf(LEARNER_2.name)).toContainText(answer2);
  await expect(l2.page.locator('body')).not.toContainText(answer1);
  await expect(l1.page.locator('body')).not.toContainText(answer2);
  await expect(l2.answers.getByRole('article')).toHaveCount(1);

  // Learner 1 chooses to share theirs: it becomes a note of the board for everyone.
  await l1.shareAnswer(prompt);
  await expect(l2.note(answer1, 'Idées')).toBeVisible();
  await expect(l2.note(answer1)).toContainText('réponse partagée');
  await expect(c.note(answer1)).toBeVisible();
  await expect(c.answersOf(LEARNER.name)).toContainText('Partagée');
  // Learner 2's answer is still theirs only.
  await expect(l1.page.locator('body')).not.toContainText(answer2);

  // The thread and the shared document of the workshop reach everyone.
  await l2.sendMessage('Merci pour cet atelier !');
  await expect(
    l1.messages.getByRole('listitem').filter({ hasText: 'Merci pour cet atelier !' }),
  ).toBeVisible();
  await expect(
    c.messages.getByRole('listitem').filter({ hasText: 'Merci pour cet atelier !' }),
  ).toBeVisible();
  await c.typeInDocument('Prochaine séance : jeudi');
  await expect(l1.document).toContainText('Prochaine séance : jeudi');
  await expect(l2.document).toContainText('Prochaine séance : jeudi');

  expect(dialogs).toEqual([]);
  for (const ctx of [...contexts, second.context]) await ctx.close();
});

test('workshops: a note written offline arrives on reconnection; a removed participant loses access', async ({
  browser,
  server,
}) => {
  const { coach, learner, contexts } = await coachAndLearner(browser, server.url);
  const [, learnerCtx] = contexts;
  const c = await createWorkshop(coach, 'Atelier entretien');
  await c.addParticipant(LEARNER.name);
  await learner.goto(new URL(coach.url()).pathname);
  const l = new WorkshopPage(learner);
  await l.expectStatus('online');

  // Offline, the note is kept on the device and leaves once the connection is back.
  await learnerCtx!.setOffline(true);
  await l.expectStatus('offline');
  const note = 'Préparer trois exemples concrets';
  await l.addNote('À retenir', note);
  await expect(c.note(note)).toHaveCount(0);
  await learnerCtx!.setOffline(false);
  await l.expectStatus('online');
  await expect(c.note(note, 'À retenir')).toBeVisible();

  // The coach removes the learner: their open page loses the workshop, their list no longer shows it.
  await c.participants.getByRole('button', { name: `Retirer ${LEARNER.name} de l'atelier` }).click();
  await c.participants.getByRole('button', { name: 'Supprimer' }).click();
  await expect(c.participants.getByRole('listitem')).toHaveCount(0);
  await expect(learner.getByRole('alert')).toHaveText(
    'Cet atelier est introuvable ou ne vous est plus accessible.',
  );
  await learner.goto('/ateliers');
  await expect(learner.getByText("Vous ne participez à aucun atelier pour l'instant.")).toBeVisible();

  for (const ctx of contexts) await ctx.close();
});
