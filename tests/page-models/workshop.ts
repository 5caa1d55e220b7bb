import { expect, type Locator, type Page } from '@playwright/test';

/** A group workshop (atelier collectif): board, polls, private answers, presence — by accessible names. */
export class WorkshopPage {
  readonly page: Page;
  constructor(page: Page) {
    this.page = page;
  }

  get status(): Locator {
    return this.page.locator('[data-sync-status]');
  }

  async expectStatus(status: 'online' | 'offline' | 'syncing'): Promise<void> {
    await expect(this.status).toHaveAttribute('data-sync-status', status, { timeout: 15_000 });
  }

  get presence(): Locator {
    return this.page.getByTestId('presence');
  }

  get board(): Locator {
    return this.page.getByRole('region', { name: 'Tableau', exact: true });
  }

  /** A column of the board, by its title (its name also carries the count of notes). */
  column(title: string): Locator {
    return this.board.getByRole('region', { name: new RegExp(`^${escape(title)} — `) });
  }

  /** A sticky note, by its text (in one column, or anywhere on the board). */
  note(text: string, column?: string): Locator {
    return (column ? this.column(column) : this.board).getByRole('listitem').filter({ hasText: text });
  }

  async addNote(column: string, text: string): Promise<void> {
    await this.board.getByLabel(`Nouvelle note — ${column}`).fill(text);
    await this.board.getByRole('button', { name: `Ajouter à ${column}` }).click();
    await expect(this.note(text, column)).toBeVisible();
  }

  get polls(): Locator {
    return this.page.getByRole('region', { name: 'Sondages' });
  }

  poll(question: string): Locator {
    return this.polls.getByRole('article', { name: new RegExp(`^${escape(question)}`) });
  }

  async createPoll(question: string, options: string[]): Promise<void> {
    await this.polls.getByLabel('Question', { exact: true }).fill(question);
    for (let i = 0; i < options.length; i++) {
      if (i >= 2) await this.polls.getByRole('button', { name: 'Ajouter une réponse' }).click();
      await this.polls.getByLabel(`Réponse ${i + 1}`, { exact: true }).fill(options[i]!);
    }
    await this.polls.getByRole('button', { name: 'Lancer le sondage' }).click();
    await expect(this.poll(question)).toBeVisible();
  }

  async vote(question: string, option: string): Promise<void> {
    const poll = this.poll(question);
    await poll.getByRole('radio', { name: option }).check();
    await poll.getByRole('button', { name: /^(Voter|Changer mon vote)$/ }).click();
    await expect(poll.getByText('votre choix')).toBeVisible();
  }

  /** The private answers: the participant's own, or (coach) the prompts and everyone's answers. */
  get answers(): Locator {
    return this.page.getByRole('region', { name: /^(Mes réponses individuelles|Consignes individuelles)$/ });
  }

  async addPrompt(text: string): Promise<void> {
    await this.answers.getByLabel('Nouvelle consigne').fill(text);
    await this.answers.getByRole('button', { name: 'Ajouter la consigne' }).click();
    await expect(this.answers.getByRole('list', { name: 'Consignes' })).toContainText(text);
  }

  /** The participant's answer to one prompt. */
  answer(prompt: string): Locator {
    return this.answers.getByRole('article', { name: prompt });
  }

  async writeAnswer(prompt: string, text: string): Promise<void> {
    const field = this.answer(prompt).getByLabel('Votre réponse');
    await field.fill(text);
    await field.blur();
  }

  async shareAnswer(prompt: string): Promise<void> {
    await this.answer(prompt).getByRole('button', { name: 'Partager sur le tableau' }).click();
    await expect(this.answer(prompt)).toContainText('Partagée sur le tableau le');
  }

  /** The coach's view of one participant's answers. */
  answersOf(name: string): Locator {
    return this.answers.getByRole('region', { name: `Réponses de ${name}` });
  }

  get participants(): Locator {
    return this.page.getByRole('region', { name: /^Participant·es/ });
  }

  /** The coach adds a learner, by the option that names them and their accompaniment. */
  async addParticipant(name: string): Promise<void> {
    const select = this.participants.getByLabel('Personne accompagnée à ajouter');
    await expect(select).toBeEnabled();
    const option = select.getByRole('option', { name: new RegExp(`^${escape(name)} — `) });
    await select.selectOption((await option.getAttribute('value')) ?? '');
    await this.participants.getByRole('button', { name: "Ajouter à l'atelier" }).click();
    await expect(this.participants.getByRole('listitem').filter({ hasText: name })).toBeVisible();
  }

  /** « Séances collectives »: the coach's planning and each session, or the participant's own appointments. */
  get sessions(): Locator {
    return this.page.getByRole('region', { name: 'Séances collectives' });
  }

  /** The sessions listed, each an article named by its date and times. */
  get sessionItems(): Locator {
    return this.sessions.getByRole('article');
  }

  /** The coach plans a session: a date (YYYY-MM-DD) and time on the coach's clock, a group type or none. */
  async planSession(options: {
    date: string;
    time: string;
    type?: string;
    location?: string;
  }): Promise<void> {
    const toggle = this.sessions.getByRole('button', { name: 'Planifier une séance' });
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    const form = this.sessions.getByRole('form', { name: 'Nouvelle séance' });
    await form.getByLabel('Date', { exact: true }).fill(options.date);
    await form.getByLabel('Heure de début').fill(options.time);
    if (options.type)
      await form.getByRole('radio', { name: new RegExp(`^${escape(options.type)} — `) }).check();
    if (options.location)
      await form.getByLabel('Lieu ou lien de la visio (facultatif)').fill(options.location);
    await form.getByRole('button', { name: 'Planifier la séance' }).click();
    await expect(form).toBeHidden();
  }

  get document(): Locator {
    return this.page.getByRole('region', { name: 'Document partagé' }).locator('.ProseMirror');
  }

  async typeInDocument(text: string): Promise<void> {
    await this.document.click();
    await this.page.keyboard.press('End');
    await this.page.keyboard.type(text);
  }

  get messages(): Locator {
    return this.page.getByRole('region', { name: /^Messages/ });
  }

  async sendMessage(text: string): Promise<void> {
    const field = this.messages.getByLabel('Votre message');
    await field.fill(text);
    await this.messages.getByRole('button', { name: 'Envoyer' }).click();
    await expect(field).toHaveValue('');
  }
}

/** The coach creates a workshop from the list page and lands on it. */
export async function createWorkshop(page: Page, title: string): Promise<WorkshopPage> {
  await page.goto('/ateliers');
  await page.getByLabel("Titre de l'atelier").fill(title);
  await page.getByRole('button', { name: "Créer l'atelier" }).click();
  await expect(page).toHaveURL(/\/ateliers\/[0-9a-f-]{36}$/);
  const workshop = new WorkshopPage(page);
  await workshop.expectStatus('online');
  return workshop;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
