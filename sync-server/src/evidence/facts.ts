// The administrative facts the evidence documents are made of (EVID1): names, dates, hours, statuses and
// counts read from SQL — never the content of a document, a note, an exercise or a message.
import type { AccompanimentKind } from '@compagnon/model';
import type { Accompaniment, Funder } from '../storage/accompaniments.ts';
import type { Storage } from '../storage/storage.ts';

export const KIND_LABELS: Record<AccompanimentKind, string> = {
  bilan: 'bilan de compétences',
  outplacement: 'accompagnement à la transition professionnelle (outplacement)',
  coaching: 'accompagnement (coaching professionnel)',
  insertion: 'accompagnement vers l’insertion professionnelle',
  autre: 'accompagnement',
};

export const FUNDER_LABELS: Record<Funder, string> = {
  cpf: 'Compte personnel de formation (CPF)',
  employer: 'Employeur',
  france_travail: 'France Travail',
  opco: 'OPCO',
  region: 'Région',
  personal: 'Financement personnel',
  other: 'Autre financeur',
};

export const STATUS_LABELS = {
  active: 'en cours',
  completed: 'terminé',
  abandoned: 'abandonné',
  closed: 'clôturé',
} as const;

export interface Period {
  /** Contract dates when the admin facts give them, else the first and last held session. */
  start: { date: string } | { at: number } | null;
  end: { date: string } | { at: number } | null;
}

export interface CommonFacts {
  accompanimentId: string;
  accompanimentTitle: string;
  kind: AccompanimentKind;
  organisationName: string;
  learnerName: string | null;
  coachName: string;
  funder: Funder | null;
  status: keyof typeof STATUS_LABELS;
  timeZone: string;
  period: Period;
  contractedMinutes: number;
  providerMinutes: number;
  heldSessions: number;
  generatedAt: number;
}

/** The organisation of the accompaniment's coach (ORG1); every coach belongs to one. */
export async function organisationOf(
  storage: Storage,
  acc: Accompaniment,
): Promise<{ id: string; name: string } | null> {
  const membership = await storage.organisations.membershipOf(acc.coach.id);
  return membership ? { id: membership.organisation.id, name: membership.organisation.name } : null;
}

export async function commonFacts(storage: Storage, acc: Accompaniment, now: number): Promise<CommonFacts> {
  const held = (await storage.appointments.listForAccompaniment(acc.id))
    .filter((a) => a.status === 'held')
    .sort((a, b) => a.start - b.start);
  const first = held[0];
  const last = held.at(-1);
  return {
    accompanimentId: acc.id,
    accompanimentTitle: acc.title,
    kind: acc.kind,
    organisationName: (await organisationOf(storage, acc))?.name ?? `Structure de ${acc.coach.name}`,
    learnerName: acc.learner?.name ?? null,
    coachName: acc.coach.name,
    funder: acc.funder,
    status: acc.status,
    timeZone: (await storage.availabilities.get(acc.coach.id)).timeZone,
    period: {
      start: acc.startDate ? { date: acc.startDate } : first ? { at: first.start } : null,
      end: acc.endDate ? { date: acc.endDate } : last ? { at: last.end } : null,
    },
    contractedMinutes: Math.round(acc.hoursBudget * 60),
    providerMinutes: held.reduce((n, a) => n + (a.countedMinutes ?? 0), 0),
    heldSessions: held.length,
    generatedAt: now,
  };
}
