// A coach's appointment types (SCHED13): named presets of a kind (individual or group), a duration and a
// mode, offered to the learner instead of a free duration and mode, and to the coach when planning a group
// session. Checked here so that a refused list stores nothing.
import { APPOINTMENT_MODES, type AppointmentMode } from '../storage/appointments.ts';
import type { Parsed } from './availability.ts';

export const APPOINTMENT_KINDS = ['individual', 'group'] as const;
export type AppointmentKind = (typeof APPOINTMENT_KINDS)[number];

export interface AppointmentType {
  id: string;
  label: string;
  kind: AppointmentKind;
  durationMinutes: number;
  mode: AppointmentMode;
}

export const TYPES_MAX = 20;
export const TYPE_LABEL_MAX = 100;
const TYPE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** What a coach who never set any offers: one individual hour by video. */
export const DEFAULT_APPOINTMENT_TYPES: readonly AppointmentType[] = [
  {
    id: 'entretien-individuel',
    label: 'Entretien individuel',
    kind: 'individual',
    durationMinutes: 60,
    mode: 'video',
  },
];

/** Same rule as a booking's duration (SCHED3): 15 min to 8 h, by steps of 5. */
export function validDuration(minutes: unknown): minutes is number {
  return (
    typeof minutes === 'number' &&
    Number.isInteger(minutes) &&
    minutes >= 15 &&
    minutes <= 480 &&
    minutes % 5 === 0
  );
}

/**
 * Validates untrusted types; the error is for the user, in French. A type without an id gets one from
 * `newId` (ids of existing types are kept, so a learner's form open meanwhile still books the same preset).
 */
export function parseAppointmentTypes(input: unknown, newId: () => string): Parsed<AppointmentType[]> {
  const raw = input !== null && typeof input === 'object' ? (input as Record<string, unknown>).types : null;
  if (!Array.isArray(raw)) return { ok: false, error: 'Liste des types de rendez-vous attendue.' };
  if (raw.length === 0 || raw.length > TYPES_MAX)
    return { ok: false, error: `De 1 à ${TYPES_MAX} types de rendez-vous.` };
  const out: AppointmentType[] = [];
  const ids = new Set<string>();
  const labels = new Set<string>();
  for (const [index, item] of raw.entries()) {
    const t = (item ?? {}) as Record<string, unknown>;
    const where = `Type n° ${index + 1}`;
    const label = typeof t.label === 'string' ? t.label.trim().replace(/\s+/g, ' ') : '';
    if (!label) return { ok: false, error: `${where} : donnez-lui un nom.` };
    if (label.length > TYPE_LABEL_MAX)
      return { ok: false, error: `${where} : nom trop long (au plus ${TYPE_LABEL_MAX} caractères).` };
    const named = `« ${label} »`;
    if (labels.has(label.toLocaleLowerCase('fr')))
      return { ok: false, error: `Deux types portent le nom ${named} : donnez-leur des noms différents.` };
    labels.add(label.toLocaleLowerCase('fr'));
    if (!APPOINTMENT_KINDS.includes(t.kind as AppointmentKind))
      return { ok: false, error: `${named} : précisez s’il est individuel ou collectif.` };
    if (!validDuration(t.durationMinutes))
      return {
        ok: false,
        error: `${named} : la durée va de 15 minutes à 8 heures, par pas de 5 minutes.`,
      };
    if (!APPOINTMENT_MODES.includes(t.mode as AppointmentMode))
      return { ok: false, error: `${named} : modalité attendue (visio, sur place ou téléphone).` };
    let id: string;
    if (t.id === undefined || t.id === null || t.id === '') id = newId();
    else if (typeof t.id === 'string' && TYPE_ID.test(t.id)) id = t.id;
    else return { ok: false, error: `${named} : identifiant invalide.` };
    if (ids.has(id)) return { ok: false, error: `${named} : identifiant déjà utilisé par un autre type.` };
    ids.add(id);
    out.push({
      id,
      label,
      kind: t.kind as AppointmentKind,
      durationMinutes: t.durationMinutes,
      mode: t.mode as AppointmentMode,
    });
  }
  // Without one, learners could not book at all from their space.
  if (!out.some((t) => t.kind === 'individual'))
    return {
      ok: false,
      error: 'Gardez au moins un type individuel : c’est parmi eux que les personnes accompagnées réservent.',
    };
  return { ok: true, value: out };
}
