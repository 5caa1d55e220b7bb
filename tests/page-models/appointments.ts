import { expect, type Locator, type Page } from '@playwright/test';

export const WEEKDAYS = ['Lundi', 'Mardi', 'Mercredi', 'Jeudi', 'Vendredi', 'Samedi', 'Dimanche'] as const;

/** The agenda page: availability (coach), upcoming appointments, the private calendar feed. */
export class AgendaPage {
  readonly page: Page;
  constructor(page: Page) {
    this.page = page;
  }

  async open(): Promise<void> {
    await this.page.goto('/agenda');
    await expect(this.page.getByRole('heading', { name: 'Agenda', level: 1 })).toBeVisible();
  }

  get availability(): Locator {
    return this.page.getByRole('region', { name: 'Mes disponibilités' });
  }

  /** The ranges of one weekday (« Lundi » …). */
  day(name: (typeof WEEKDAYS)[number]): Locator {
    return this.availability.getByRole('group', { name, exact: true });
  }

  /** Adds one range to a day (an end of 00:00 is midnight). */
  async addRange(name: (typeof WEEKDAYS)[number], start: string, end: string): Promise<void> {
    const day = this.day(name);
    await day.getByRole('button', { name: /^Ajouter une plage/ }).click();
    await day.getByLabel('Début', { exact: true }).last().fill(start);
    await day.getByLabel('Fin', { exact: true }).last().fill(end);
  }

  async save(): Promise<void> {
    await this.availability.getByRole('button', { name: 'Enregistrer les disponibilités' }).click();
    await expect(
      this.availability.getByRole('status').filter({ hasText: 'Disponibilités enregistrées.' }),
    ).toBeVisible();
  }

  /** The coach's appointment types (presets). */
  get types(): Locator {
    return this.page.getByRole('region', { name: 'Types de rendez-vous' });
  }

  /** Adds a type at the end of the list (not saved yet). */
  async addType(type: {
    label: string;
    kind: 'Individuel' | 'Collectif';
    minutes: number;
    mode: 'Visio' | 'Sur place' | 'Téléphone';
  }): Promise<void> {
    await this.types.getByRole('button', { name: 'Ajouter un type' }).click();
    const item = this.types.getByRole('group').last();
    await item.getByLabel('Nom', { exact: true }).fill(type.label);
    await item.getByLabel('Individuel ou collectif').selectOption({ label: type.kind });
    await item.getByLabel('Durée (minutes)').fill(String(type.minutes));
    await item.getByLabel('Modalité').selectOption({ label: type.mode });
  }

  async saveTypes(): Promise<void> {
    await this.types.getByRole('button', { name: 'Enregistrer les types' }).click();
    await expect(
      this.types.getByRole('status').filter({ hasText: 'Types de rendez-vous enregistrés.' }),
    ).toBeVisible();
  }

  get feed(): Locator {
    return this.page.getByRole('region', { name: 'Mon agenda dans mon calendrier' });
  }

  get feedUrl(): Locator {
    return this.feed.getByLabel('Adresse de votre agenda (iCalendar)');
  }

  /** « Régénérer », confirmed in its dialog; resolves once the address changed. */
  async regenerateFeed(): Promise<void> {
    const before = await this.feedUrl.inputValue();
    await this.feed.getByRole('button', { name: 'Régénérer', exact: true }).click();
    const dialog = this.page.getByRole('dialog', { name: 'Régénérer l’adresse de l’agenda ?' });
    await dialog.getByRole('button', { name: 'Régénérer l’adresse' }).click();
    await expect(dialog).toBeHidden();
    await expect(this.feedUrl).not.toHaveValue(before);
  }
}

/** « Rendez-vous et heures » in the workspace of an accompaniment. */
export class AppointmentsPanel {
  readonly page: Page;
  constructor(page: Page) {
    this.page = page;
  }

  get region(): Locator {
    return this.page.getByRole('region', { name: 'Rendez-vous et heures', exact: true });
  }

  get hours(): Locator {
    return this.region.getByRole('region', { name: 'Heures', exact: true });
  }

  /** A line of the hours table (« Heures réalisées », « Heures restantes » …). */
  hoursRow(label: string): Locator {
    return this.hours.getByRole('row', { name: label });
  }

  async expectHours(label: string, value: string): Promise<void> {
    await expect(this.hoursRow(label).getByRole('cell')).toHaveText(value, { timeout: 15_000 });
  }

  /** The appointments listed (cancelled ones apart), each an article named by its date and times. */
  get appointments(): Locator {
    return this.region.getByRole('region', { name: 'Rendez-vous', exact: true }).getByRole('article');
  }

  /** Opens the booking form (« Prendre rendez-vous » for the learner, « Planifier un rendez-vous » for the coach). */
  async openBooking(): Promise<void> {
    const toggle = this.region.getByRole('button', { name: /^(Prendre|Planifier un) rendez-vous$/ });
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  }

  /**
   * In a slot picker (the booking form, or the move dialog): the `dayIndex`-th day offered, then its first
   * free time. Returns the chosen slot's start (ISO).
   */
  async chooseSlot(within: Locator, dayIndex: number): Promise<string> {
    const days = within.getByRole('group', { name: 'Jours avec des créneaux libres' }).getByRole('button');
    await days.nth(dayIndex).click();
    const first = within
      .getByRole('group', { name: /^Horaires libres le / })
      .getByRole('radio')
      .first();
    await first.check();
    const start = await first.getAttribute('value');
    if (!start) throw new Error('slot without a start');
    return start;
  }

  /** In the learner's booking form: one of the coach's types, by its name (« Entretien individuel »). */
  async chooseType(label: string): Promise<void> {
    await this.region
      .getByRole('group', { name: 'Type de rendez-vous' })
      .getByRole('radio', { name: new RegExp(`^${escape(label)} — `) })
      .check();
  }

  /**
   * Books the first free time of the `dayIndex`-th day offered — with a type of the coach (the learner's
   * form) or a mode (the coach's free form); returns its start (ISO).
   */
  async book(options: {
    type?: string;
    mode?: 'Visio' | 'Sur place' | 'Téléphone';
    dayIndex?: number;
  }): Promise<string> {
    await this.openBooking();
    if (options.type) await this.chooseType(options.type);
    if (options.mode) await this.region.getByRole('radio', { name: options.mode, exact: true }).check();
    const start = await this.chooseSlot(this.region, options.dayIndex ?? 0);
    await this.region.getByRole('button', { name: 'Réserver ce créneau' }).click();
    return start;
  }

  /** The open video call. */
  get call(): Locator {
    return this.page.getByRole('dialog', { name: /^Visio avec / });
  }

  get callStatus(): Locator {
    return this.call.getByRole('status');
  }

  async leaveCall(): Promise<void> {
    await this.call.getByRole('button', { name: 'Quitter la visio' }).click();
    await expect(this.call).toBeHidden();
  }

  /** The attendance form of an appointment (one half-day). */
  signForm(appointment: Locator): Locator {
    return appointment.getByRole('form', { name: /^Signer la feuille d’émargement/ });
  }

  /** Draws a signature with the mouse on the pad, then signs. */
  async signByDrawing(appointment: Locator): Promise<void> {
    const form = this.signForm(appointment);
    const pad = form.locator('canvas');
    await pad.scrollIntoViewIfNeeded();
    const box = await pad.boundingBox();
    if (!box) throw new Error('signature pad not visible');
    const { mouse } = this.page;
    await mouse.move(box.x + box.width * 0.1, box.y + box.height * 0.6);
    await mouse.down();
    for (let i = 1; i <= 12; i++)
      await mouse.move(
        box.x + box.width * (0.1 + i * 0.06),
        box.y + box.height * (0.6 - 0.3 * Math.sin(i / 2)),
        {
          steps: 2,
        },
      );
    await mouse.up();
    await expect(pad).toHaveAttribute('data-signed', 'true');
    await form.getByRole('button', { name: 'Signer', exact: true }).click();
  }

  /** Confirms the attendance with the keyboard only: the checkbox with Space, the button with Enter. */
  async signWithKeyboard(appointment: Locator): Promise<void> {
    const form = this.signForm(appointment);
    const checkbox = form.getByRole('checkbox', { name: 'Je confirme ma présence à cette séance' });
    await checkbox.focus();
    await this.page.keyboard.press('Space');
    await expect(checkbox).toBeChecked();
    await this.page.keyboard.press('Tab');
    await expect(form.getByRole('button', { name: 'Signer', exact: true })).toBeFocused();
    await this.page.keyboard.press('Enter');
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
