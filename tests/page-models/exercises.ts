import { expect, type Locator, type Page } from '@playwright/test';

/** Interactive exercises: built in the library, placed in a step, filled in and commented in the workspace. */
export class ExercisesPage {
  readonly page: Page;
  constructor(page: Page) {
    this.page = page;
  }

  /** The library's « Nouvel exercice » section. */
  get newExercise(): Locator {
    return this.page.getByRole('region', { name: 'Nouvel exercice' });
  }

  /** Opens the builder from a starter (« Exercice vierge », « Mes valeurs (cartes à classer) » …). */
  async startExercise(starter: string | RegExp): Promise<void> {
    await this.newExercise.getByRole('radio', { name: starter }).check();
    await this.newExercise.getByRole('button', { name: "Créer l'exercice" }).click();
    await expect(this.newExercise.getByLabel("Titre de l'exercice")).toBeFocused();
  }

  /** Adds a question of `type` at the end of the builder and gives it its wording. */
  async addQuestion(type: string, n: number, prompt: string): Promise<void> {
    await this.newExercise.getByLabel('Type de la nouvelle question').selectOption({ label: type });
    await this.newExercise.getByRole('button', { name: 'Ajouter la question' }).click();
    await this.newExercise.getByLabel(`Intitulé de la question ${n}`).fill(prompt);
  }

  async saveNewExercise(): Promise<void> {
    await this.newExercise.getByRole('button', { name: "Ajouter l'exercice à la bibliothèque" }).click();
    await expect(this.newExercise.getByRole('button', { name: "Créer l'exercice" })).toBeVisible();
  }

  /** The library's list of exercises. */
  get libraryExercises(): Locator {
    return this.page.getByRole('region', { name: 'Exercices', exact: true });
  }

  /** Places a library exercise in a step, through the step's actions and the dialog. */
  async place(stepTitle: string, exerciseTitle: string): Promise<void> {
    const toggle = this.page.getByRole('button', { name: `Actions pour ${stepTitle}` }).first();
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    await this.page.getByRole('button', { name: `Ajouter un exercice à ${stepTitle}` }).click();
    const dialog = this.page.getByRole('dialog', { name: 'Ajouter un exercice' });
    await dialog.getByRole('button', { name: `Placer ${exerciseTitle}` }).click();
    await expect(dialog).toBeHidden();
  }

  /** A placed exercise, by its title (wherever it shows: in its step, or in « Aujourd'hui »). */
  exercise(title: string): Locator {
    return this.page.getByRole('region', { name: title, exact: true });
  }

  /** The rich-text answer field of a free-text question. */
  textAnswer(exerciseTitle: string, prompt: string): Locator {
    return this.exercise(exerciseTitle).getByRole('textbox', { name: prompt, exact: true });
  }

  /** The comments beside one answer. */
  comments(exerciseTitle: string, prompt: string): Locator {
    return this.exercise(exerciseTitle).getByRole('group', { name: `Commentaires sur « ${prompt} »` });
  }

  async comment(exerciseTitle: string, prompt: string, text: string): Promise<void> {
    const group = this.comments(exerciseTitle, prompt);
    await group.getByLabel(`Commenter la réponse à « ${prompt} »`).fill(text);
    await group.getByRole('button', { name: 'Envoyer le commentaire' }).click();
    await expect(group.getByRole('listitem').filter({ hasText: text })).toBeVisible();
  }

  async reply(exerciseTitle: string, prompt: string, text: string): Promise<void> {
    const group = this.comments(exerciseTitle, prompt);
    await group.getByLabel(`Répondre au commentaire sur « ${prompt} »`).fill(text);
    await group.getByRole('button', { name: 'Envoyer la réponse' }).click();
    await expect(group.getByRole('listitem').filter({ hasText: text })).toBeVisible();
  }

  /** Where the learner's answers are: `saved` on this device (offline), `synced`, … */
  async expectSaved(exerciseTitle: string, state: 'saved' | 'synced'): Promise<void> {
    await expect(this.exercise(exerciseTitle).locator('[data-exercise-save]')).toHaveAttribute(
      'data-exercise-save',
      state,
      { timeout: 15_000 },
    );
  }
}
