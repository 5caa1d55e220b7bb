// Labels and formats that depend on the current locale (French first, English second).
import type {
  AccompanimentKind,
  AdaptationKind,
  ExpectationKind,
  ResourceKind,
  StepStatus,
  TemplateId,
} from '@compagnon/model';
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

export function templateLabel(template: TemplateId): string {
  switch (template) {
    case 'bilan':
      return m.template_bilan();
    case 'outplacement':
      return m.template_outplacement();
    case 'coaching':
      return m.template_coaching();
    case 'insertion':
      return m.template_insertion();
    case 'blank':
      return m.template_blank();
  }
}

/** The template a new accompaniment of this kind starts from. */
export function defaultTemplate(kind: AccompanimentKind): TemplateId {
  return kind === 'autre' ? 'blank' : kind;
}

export function adaptationLabel(kind: AdaptationKind): string {
  switch (kind) {
    case 'pulled-forward':
      return m.adaptation_pulled_forward();
    case 'postponed':
      return m.adaptation_postponed();
    case 'skipped':
      return m.adaptation_skipped();
    case 'added':
      return m.adaptation_added();
    case 'moved':
      return m.adaptation_moved();
    case 'split':
      return m.adaptation_split();
    case 'removed':
      return m.adaptation_removed();
    case 'reopened':
      return m.adaptation_reopened();
  }
}

export function expectationLabel(kind: ExpectationKind): string {
  switch (kind) {
    case 'none':
      return m.expected_none();
    case 'reflection':
      return m.expected_reflection();
    case 'answer':
      return m.expected_answer();
    case 'document':
      return m.expected_document();
  }
}

export function resourceLabel(kind: ResourceKind): string {
  switch (kind) {
    case 'text':
      return m.resource_text();
    case 'link':
      return m.resource_link();
    case 'video':
      return m.resource_video();
    case 'document':
      return m.resource_document();
  }
}

/** The BCP 47 tag for Intl: dates and numbers follow French conventions by default. */
export function intlLocale(): string {
  return getLocale() === 'en' ? 'en-GB' : 'fr-FR';
}

const TIME_ZONE = 'Europe/Paris';

/** A date from the API or the document: an ISO string or milliseconds since the epoch. */
export type DateInput = string | number;

export function toDate(value: DateInput): Date {
  // Some answers carry milliseconds as a numeric string.
  return new Date(typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);
}

/** The machine-readable form for `<time datetime>`, or undefined when the value is not a date. */
export function isoDate(value: DateInput): string | undefined {
  const date = toDate(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export function formatDate(iso: DateInput): string {
  const date = toDate(iso);
  if (Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(intlLocale(), { dateStyle: 'long', timeZone: TIME_ZONE }).format(date);
}

export function formatDateTime(iso: DateInput): string {
  const date = toDate(iso);
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

export function formatFileSize(bytes: number): string {
  const units = [m.size_bytes, m.size_kb, m.size_mb] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const size = new Intl.NumberFormat(intlLocale(), { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(
    value,
  );
  return units[unit]!({ size });
}
