// Labels and formats that depend on the current locale (French first, English second).
import type { AccompanimentKind, StepStatus } from '@compagnon/model';
import { m } from './paraglide/messages.js';
import { getLocale } from './paraglide/runtime.js';

export function kindLabel(kind: AccompanimentKind): string {
  switch (kind) {
    case 'bilan':
      return m.kind_bilan();
    case 'outplacement':
      return m.kind_outplacement();
    case 'coaching':
      return m.kind_coaching();
    case 'insertion':
      return m.kind_insertion();
    case 'autre':
      return m.kind_autre();
  }
}

export function statusLabel(status: StepStatus): string {
  switch (status) {
    case 'todo':
      return m.status_todo();
    case 'in_progress':
      return m.status_in_progress();
    case 'done':
      return m.status_done();
    case 'skipped':
      return m.status_skipped();
  }
}

/** The BCP 47 tag for Intl: dates and numbers follow French conventions by default. */
export function intlLocale(): string {
  return getLocale() === 'en' ? 'en-GB' : 'fr-FR';
}

const TIME_ZONE = 'Europe/Paris';

export function formatDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(intlLocale(), { dateStyle: 'long', timeZone: TIME_ZONE }).format(date);
}

export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(intlLocale(), {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: TIME_ZONE,
  }).format(date);
}

export function formatHours(hours: number): string {
  return m.hours_value({
    hours: new Intl.NumberFormat(intlLocale(), { maximumFractionDigits: 2 }).format(hours),
  });
}
