import { expect, type Locator, type Page } from '@playwright/test';

/** The accompaniment workspace: pathway, shared notes, sync status — driven by accessible names. */
export class WorkspacePage {
  readonly page: Page;
  constructor(page: Page) {
    this.page = page;
  }

  get status(): Locator {
    return this.page.locator('[data-sync-status]');
  }

  get notes(): Locator {
    return this.page.getByRole('region', { name: 'Notes partagées' }).locator('.ProseMirror');
  }

  /** The coach's private notes (absent for the learner). */
  get privateNotesRegion(): Locator {
    return this.page.getByRole('region', { name: 'Notes privées' });
  }

  get privateNotes(): Locator {
    return this.privateNotesRegion.locator('.ProseMirror');
  }

  /** The document de synthèse. */
  get synthesis(): Locator {
    return this.page.getByRole('region', { name: 'Document de synthèse' });
  }

  /** The editing area of one section of the synthesis, by its title. */
  synthesisSection(title: string): Locator {
    return this.synthesis.getByRole('textbox', { name: title, exact: true });
  }

  async typeInSynthesis(title: string, text: string): Promise<void> {
    await this.synthesisSection(title).click();
    await this.page.keyboard.press('End');
    await this.page.keyboard.type(text);
  }

  /** The learner's "Aujourd'hui" section. */
  get today(): Locator {
    return this.page.getByRole('region', { name: "Aujourd'hui" });
  }

  /** The message thread (its heading carries the unread count: "Messages (2 non lus)"). */
  get messages(): Locator {
    return this.page.getByRole('region', { name: /^Messages/ });
  }

  /** One message of the thread, by its text. */
  message(text: string): Locator {
    return this.messages.getByRole('listitem').filter({ hasText: text });
  }

  /** Writes a message and sends it with the button, or with Ctrl+Enter. */
  async sendMessage(text: string, via: 'button' | 'keyboard' = 'button'): Promise<void> {
    const field = this.messages.getByLabel('Votre message');
    await field.fill(text);
    if (via === 'keyboard') await field.press('Control+Enter');
    else await this.messages.getByRole('button', { name: 'Envoyer', exact: true }).click();
    await expect(field).toHaveValue('');
  }

  get timeline(): Locator {
    return this.page.getByRole('region', { name: 'Historique des adaptations' });
  }

  async openActions(stepTitle: string): Promise<void> {
    const toggle = this.page.getByRole('button', { name: `Actions pour ${stepTitle}` }).first();
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  }

  /** Pull forward, postpone or skip a step with its reason, through the actions menu and the reason dialog. */
  async adapt(stepTitle: string, action: 'Avancer' | 'Reporter' | 'Passer', reason: string): Promise<void> {
    await this.openActions(stepTitle);
    await this.page.getByRole('button', { name: action, exact: true }).click();
    const dialog = this.page.getByRole('dialog');
    await dialog.getByLabel('Raison').fill(reason);
    await dialog.getByRole('button', { name: 'Confirmer' }).click();
    await expect(dialog).toBeHidden();
  }

  step(title: string): Locator {
    return this.page.getByRole('listitem').filter({ hasText: title });
  }

  async expectStatus(status: 'online' | 'offline' | 'syncing'): Promise<void> {
    await expect(this.status).toHaveAttribute('data-sync-status', status, { timeout: 15_000 });
  }

  /** Waits until every local change is written to this device (the status says so when offline). */
  async expectSavedLocally(): Promise<void> {
    await expect(this.status).toHaveAttribute('data-local-save', 'saved');
  }

  async addStep(phaseTitle: string, title: string): Promise<void> {
    await this.page.getByLabel(`Nouvelle étape — ${phaseTitle}`).fill(title);
    await this.page.getByRole('button', { name: `Ajouter une étape à ${phaseTitle}` }).click();
    await expect(this.step(title)).toBeVisible();
  }

  async setStatus(stepTitle: string, label: string): Promise<void> {
    await this.page.getByLabel(`Statut de l'étape ${stepTitle}`).selectOption({ label });
  }

  async typeInNotes(text: string): Promise<void> {
    await this.notes.click();
    await this.page.keyboard.press('End');
    await this.page.keyboard.type(text);
  }

  async typeInPrivateNotes(text: string): Promise<void> {
    await this.privateNotes.click();
    await this.page.keyboard.press('End');
    await this.page.keyboard.type(text);
  }

  /** Names of this context's IndexedDB databases. */
  async localDatabases(): Promise<string[]> {
    return this.page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name ?? ''));
  }

  async waitForServiceWorker(): Promise<void> {
    await this.page.waitForFunction(async () => {
      const reg = await navigator.serviceWorker.ready;
      return !!reg.active && !!navigator.serviceWorker.controller;
    });
  }
}

/** Opens the same workspace for coach and learner and waits until both are synced with the server. */
export async function openWorkspaces(
  coach: Page,
  learner: Page,
  url: string,
): Promise<{ c: WorkspacePage; l: WorkspacePage }> {
  await coach.goto(url);
  await learner.goto(url);
  const c = new WorkspacePage(coach);
  const l = new WorkspacePage(learner);
  await c.expectStatus('online');
  await l.expectStatus('online');
  return { c, l };
}
