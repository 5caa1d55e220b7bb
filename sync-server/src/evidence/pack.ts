// The Qualiopi evidence pack (EVID2): one dated timeline answering an auditor's question in one export —
// the adaptations of the pathway (indicator 10, from the projection), the co-built documents (exercise titles
// placed and handed in, the synthesis validated, consents and sends), the follow-ups (appointments booked,
// moved, cancelled, held, with their reasons), the attendance records with the chain verification, the
// satisfaction surveys sent and answered, and the closing. Titles, dates, names and counts only: never the
// text of a note, an exercise answer, a message or the synthesis (confidentiality by design).
import { docNames, type AccompanimentId } from '@compagnon/model';
import { drawChainVerification } from '../scheduling/attendance-pdf.ts';
import { verifyChain, type ChainVerification } from '../scheduling/chain.ts';
import { formatMinutes } from '../scheduling/hours.ts';
import type { Accompaniment } from '../storage/accompaniments.ts';
import type { Storage } from '../storage/storage.ts';
import type { SyncHub } from '../sync/hub.ts';
import { periodDay } from './certificate.ts';
import { exerciseFacts, withDoc } from './documents.ts';
import { FUNDER_LABELS, KIND_LABELS, STATUS_LABELS, commonFacts, type CommonFacts } from './facts.ts';
import { frenchDayTime, startPdf, type PdfOptions } from '../pdf/toolkit.ts';

export const PACK_TITLE = 'Dossier de preuves Qualiopi';

export type TimelineCategory =
  'Administratif' | 'Parcours' | 'Co-construction' | 'Suivi' | 'Émargement' | 'Satisfaction' | 'Clôture';

export interface TimelineItem {
  at: number;
  category: TimelineCategory;
  text: string;
}

export interface EvidencePackData extends CommonFacts {
  progress: { done: number; total: number };
  timeline: TimelineItem[];
  attendance: ChainVerification;
  /** False when the surveys table is absent (no satisfaction surveys on this server). */
  surveys: boolean;
}

const ADAPTATION_LABELS: Record<string, string> = {
  'pulled-forward': 'étape avancée',
  postponed: 'étape reportée',
  skipped: 'étape passée',
  added: 'étape ajoutée',
  moved: 'étape déplacée',
  split: 'étape découpée',
  removed: 'étape retirée',
  reopened: 'étape rouverte',
};
const MODES = { video: 'visio', onsite: 'sur place', phone: 'téléphone' } as const;
const HALF_DAYS = { am: 'matin', pm: 'après-midi' } as const;
const ROLES = { coach: 'coach', learner: 'personne accompagnée' } as const;
const SURVEY_KINDS: Record<string, string> = {
  end: 'de fin d’accompagnement',
  'follow-up': 'de suivi à froid',
};

const quoted = (title: string): string => `« ${title.replace(/\s+/g, ' ').trim()} »`;

/** Survey dates, when this server keeps surveys; null when the table is absent. */
async function surveyFacts(
  storage: Storage,
  accompanimentId: string,
): Promise<{ kind: string; sentAt: number; answeredAt: number | null }[] | null> {
  try {
    const rows = await storage.sql.all(
      'SELECT kind, sent_at, answered_at FROM surveys WHERE accompaniment_id = ? ORDER BY sent_at',
      accompanimentId,
    );
    return rows.map((row) => ({
      kind: String(row['kind']),
      sentAt: Number(row['sent_at']),
      answeredAt: row['answered_at'] === null ? null : Number(row['answered_at']),
    }));
  } catch {
    return null;
  }
}

/** Everything the pack shows, read from SQL (and the exercise titles from the shared document, or from
 * what the closing kept of them once the documents are destroyed). */
export async function evidencePackData(
  storage: Storage,
  sync: SyncHub | null,
  acc: Accompaniment,
  now: number,
): Promise<EvidencePackData> {
  const facts = await commonFacts(storage, acc, now);
  const items: TimelineItem[] = [];
  const add = (at: number | null, category: TimelineCategory, text: string): void => {
    if (at !== null && Number.isFinite(at)) items.push({ at, category, text });
  };
  const tz = facts.timeZone;

  add(
    acc.createdAt,
    'Administratif',
    `Accompagnement créé (${KIND_LABELS[acc.kind]}, ${acc.hoursBudget} h prévues)`,
  );
  add(acc.learnerJoinedAt, 'Administratif', 'Entrée de la personne accompagnée (invitation acceptée)');
  if (acc.endedAt !== null && acc.status !== 'active')
    add(acc.endedAt, 'Administratif', `Fin de l’accompagnement (${STATUS_LABELS[acc.status]})`);

  for (const a of await storage.adaptations.timeline(acc.id)) {
    const by = a.by ? ` — par ${a.by.name}` : '';
    const reason = a.reason ? ' (motif consigné)' : '';
    add(
      a.receivedAt,
      'Parcours',
      `Adaptation : ${ADAPTATION_LABELS[a.kind] ?? a.kind} ${quoted(a.stepTitle)}${by}${reason}`,
    );
  }

  const closing = await storage.closings.find(acc.id);
  const exercises =
    closing && closing.lockedAt !== null
      ? (closing.facts?.exercises ?? [])
      : await withDoc(storage, sync, docNames(acc.id as AccompanimentId).shared, exerciseFacts);
  for (const e of exercises) {
    add(e.placedAt, 'Co-construction', `Exercice proposé : ${quoted(e.title)}`);
    add(e.submittedAt, 'Co-construction', `Exercice rendu : ${quoted(e.title)}`);
  }
  for (const v of await storage.synthesisValidations.list(acc.id))
    add(
      v.validatedAt,
      'Co-construction',
      `Document de synthèse validé par ${v.by.name} (version ${v.version})`,
    );
  for (const consent of await storage.synthesisConsents.list(acc.id)) {
    add(
      consent.consentedAt,
      'Co-construction',
      `Accord de transmission de la synthèse donné par ${consent.by.name}`,
    );
    add(consent.revokedAt, 'Co-construction', 'Accord de transmission de la synthèse retiré');
  }
  for (const send of await storage.synthesisConsents.sends(acc.id))
    add(
      send.sentAt,
      'Co-construction',
      send.delivered
        ? `Synthèse transmise avec l’accord de la personne par ${send.by.name}`
        : 'Envoi de la synthèse non abouti',
    );

  for (const appointment of await storage.appointments.listForAccompaniment(acc.id)) {
    const when = (ms: number | null) => (ms === null ? '—' : frenchDayTime(ms, tz));
    for (const change of await storage.appointments.changes(appointment.id)) {
      const reason = change.reason ? ` — motif : ${change.reason}` : '';
      switch (change.kind) {
        case 'booked':
          add(
            change.at,
            'Suivi',
            `Rendez-vous réservé par ${change.by.name} pour le ${when(appointment.start)} ` +
              `(${MODES[appointment.mode]}, ${formatMinutes(appointment.durationMinutes)})`,
          );
          break;
        case 'moved':
          add(
            change.at,
            'Suivi',
            `Rendez-vous du ${when(change.fromStart)} déplacé au ${when(change.toStart)}${reason}`,
          );
          break;
        case 'cancelled':
          add(
            change.at,
            'Suivi',
            `Rendez-vous du ${when(appointment.start)} annulé par ${change.by.name}${reason}`,
          );
          break;
        case 'held':
          add(
            change.at,
            'Suivi',
            `Séance du ${when(appointment.start)} tenue : ${formatMinutes(change.minutes ?? 0)} comptées${reason}`,
          );
          break;
        case 'duration':
          add(
            change.at,
            'Suivi',
            `Durée comptée de la séance du ${when(appointment.start)} corrigée de ` +
              `${formatMinutes(change.previousMinutes ?? 0)} à ${formatMinutes(change.minutes ?? 0)}${reason}`,
          );
          break;
      }
    }
  }

  const records = await storage.attendance.listForAccompaniment(acc.id);
  for (const r of records) {
    const how = r.method === 'drawn' ? 'signature tracée' : 'présence confirmée';
    const correction =
      r.correctsSeq !== null ? `, corrige le n° ${r.correctsSeq} — motif : ${r.reason ?? '—'}` : '';
    add(
      r.receivedAt,
      'Émargement',
      `Émargement n° ${r.seq} — ${r.name} (${ROLES[r.role]}), ${HALF_DAYS[r.halfDay]}, ${how}${correction}`,
    );
  }

  const surveys = await surveyFacts(storage, acc.id);
  for (const s of surveys ?? []) {
    const kind = SURVEY_KINDS[s.kind] ?? '';
    add(s.sentAt, 'Satisfaction', `Questionnaire de satisfaction ${kind} envoyé`.replace(/\s+/g, ' '));
    add(s.answeredAt, 'Satisfaction', `Questionnaire de satisfaction ${kind} rempli`.replace(/\s+/g, ' '));
  }

  if (closing) {
    add(closing.requestedAt, 'Clôture', 'Clôture demandée par la personne qui accompagne');
    add(closing.agreedAt, 'Clôture', 'Accord écrit de la personne accompagnée sur ce qui est conservé');
    if (closing.proof)
      add(
        closing.proof.closedAt,
        'Clôture',
        `Clôture exécutée : ${closing.proof.documents.length} documents de travail détruits, preuve de suppression enregistrée`,
      );
  }

  items.sort((a, b) => a.at - b.at);
  const progress = acc.progress ?? { stepsDone: 0, stepsTotal: 0 };
  return {
    ...facts,
    progress: { done: progress.stepsDone, total: progress.stepsTotal },
    timeline: items,
    attendance: verifyChain(records),
    surveys: surveys !== null,
  };
}

export function renderEvidencePackPdf(data: EvidencePackData, options: PdfOptions = {}): Promise<Buffer> {
  const pdf = startPdf(
    {
      title: `${PACK_TITLE} — ${data.accompanimentTitle}`,
      author: data.organisationName,
      subject: 'Traçabilité de l’accompagnement',
      createdAt: data.generatedAt,
    },
    options,
  );
  const { doc, clean, line, room } = pdf;
  const tz = data.timeZone;

  pdf.header(PACK_TITLE, data.accompanimentTitle);
  line('Organisme', data.organisationName);
  line('Personne accompagnée', data.learnerName ?? '—');
  line('Accompagnement mené par', data.coachName);
  line('Nature de l’action', KIND_LABELS[data.kind]);
  line('Financement', data.funder ? FUNDER_LABELS[data.funder] : 'non renseigné');
  line('Statut', STATUS_LABELS[data.status]);
  line(
    'Période',
    `du ${periodDay(data.period.start, tz) ?? '—'} au ${periodDay(data.period.end, tz) ?? '—'}`,
  );
  line(
    'Heures',
    `${formatMinutes(data.providerMinutes)} réalisées avec le prestataire sur ${formatMinutes(data.contractedMinutes)} ` +
      `prévues (${data.heldSessions} séance${data.heldSessions > 1 ? 's' : ''} tenue${data.heldSessions > 1 ? 's' : ''})`,
  );
  line('Avancement du parcours', `${data.progress.done} étape(s) terminée(s) sur ${data.progress.total}`);
  line('Document produit le', frenchDayTime(data.generatedAt, tz));
  doc.moveDown(1);

  doc.font('bold').fontSize(13).text(clean('Chronologie'));
  doc.moveDown(0.3);
  if (data.timeline.length === 0) doc.font('regular').fontSize(10).text(clean('Aucun événement enregistré.'));
  for (const item of data.timeline) {
    room(40);
    doc
      .font('bold')
      .fontSize(9.5)
      .text(clean(`${frenchDayTime(item.at, tz)} · ${item.category}`));
    doc.font('regular').fontSize(10).text(clean(item.text), { indent: 12, lineGap: 1 });
    doc.moveDown(0.3);
  }
  doc.moveDown(0.8);
  room(80);
  drawChainVerification(pdf, 'Vérification de la chaîne d’émargement', data.attendance, '');
  if (!data.surveys) doc.text(clean('Questionnaires de satisfaction : non gérés sur ce serveur.'));
  doc.moveDown(1);
  pdf.note(
    'Confidentialité : ce dossier ne reprend que des faits administratifs (noms, dates, heures, statuts, ' +
      'titres des étapes et des exercices). Le contenu des notes, des réponses, des messages et du document ' +
      'de synthèse n’y figure jamais.',
  );
  return pdf.end();
}
