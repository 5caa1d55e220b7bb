// The activity report of an accompaniment (EVID3), for the coach and co-referents: hours (contracted,
// provider, remaining, the learner's personal time), the sessions (held, to come, cancelled) and the progress
// of the pathway per phase. Facts only, like every evidence document.
import { formatMinutes, hoursSummary } from '../scheduling/hours.ts';
import type { Accompaniment } from '../storage/accompaniments.ts';
import type { Storage } from '../storage/storage.ts';
import { periodDay } from './certificate.ts';
import { KIND_LABELS, STATUS_LABELS, commonFacts, type CommonFacts } from './facts.ts';
import { frenchDayTime, startPdf, type PdfOptions } from '../pdf/toolkit.ts';

export const ACTIVITY_TITLE = 'Rapport d’activité';

export interface ActivityData extends CommonFacts {
  remainingMinutes: number;
  personalMinutes: number;
  warning: string | null;
  byPhaseMinutes: { phase: string; minutes: number }[];
  sessions: { start: number; status: 'booked' | 'held' | 'cancelled'; minutes: number; mode: string }[];
  progress: { done: number; total: number; byPhase: { title: string; done: number; total: number }[] };
}

const MODES = { video: 'visio', onsite: 'sur place', phone: 'téléphone' } as const;
const SESSION_STATUS = { booked: 'à venir', held: 'tenue', cancelled: 'annulée' } as const;

export async function activityData(storage: Storage, acc: Accompaniment, now: number): Promise<ActivityData> {
  const facts = await commonFacts(storage, acc, now);
  const summary = hoursSummary({
    kind: acc.kind,
    hoursBudget: acc.hoursBudget,
    held: await storage.appointments.heldSessions(acc.id),
    personal: await storage.personalTime.list(acc.id),
  });
  const appointments = await storage.appointments.listForAccompaniment(acc.id);
  const progress = acc.progress ?? { stepsDone: 0, stepsTotal: 0, byPhase: [] };
  return {
    ...facts,
    remainingMinutes: summary.remainingMinutes,
    personalMinutes: summary.personalMinutes,
    warning: summary.warning,
    byPhaseMinutes: summary.byPhase,
    sessions: appointments
      .sort((a, b) => a.start - b.start)
      .map((a) => ({
        start: a.start,
        status: a.status,
        minutes: a.status === 'held' ? (a.countedMinutes ?? 0) : a.durationMinutes,
        mode: MODES[a.mode],
      })),
    progress: {
      done: progress.stepsDone,
      total: progress.stepsTotal,
      byPhase: progress.byPhase.map((p) => ({ title: p.title, done: p.done, total: p.total })),
    },
  };
}

export function renderActivityPdf(data: ActivityData, options: PdfOptions = {}): Promise<Buffer> {
  const pdf = startPdf(
    {
      title: `${ACTIVITY_TITLE} — ${data.accompanimentTitle}`,
      author: data.coachName,
      subject: ACTIVITY_TITLE,
      createdAt: data.generatedAt,
    },
    options,
  );
  const { doc, clean, line, room } = pdf;
  const tz = data.timeZone;
  const count = (n: number, word: string) => `${n} ${word}${n > 1 ? 's' : ''}`;

  pdf.header(ACTIVITY_TITLE, data.accompanimentTitle);
  line('Organisme', data.organisationName);
  line('Personne accompagnée', data.learnerName ?? '—');
  line('Accompagnement mené par', data.coachName);
  line('Nature de l’action', KIND_LABELS[data.kind]);
  line('Statut', STATUS_LABELS[data.status]);
  line(
    'Période',
    `du ${periodDay(data.period.start, tz) ?? '—'} au ${periodDay(data.period.end, tz) ?? '—'}`,
  );
  line('Document produit le', frenchDayTime(data.generatedAt, tz));
  doc.moveDown(1);

  doc.font('bold').fontSize(13).text(clean('Heures'));
  doc.moveDown(0.2);
  doc.fontSize(10.5);
  line('Prévues', formatMinutes(data.contractedMinutes));
  line('Réalisées avec le prestataire', formatMinutes(data.providerMinutes));
  line('Restantes', formatMinutes(data.remainingMinutes));
  line('Temps personnel de la personne accompagnée', formatMinutes(data.personalMinutes));
  for (const p of data.byPhaseMinutes) line(`Phase « ${p.phase} »`, formatMinutes(p.minutes));
  if (data.warning) doc.font('regular').fillColor('#b00020').text(clean(data.warning)).fillColor('#000000');
  doc.moveDown(1);

  const held = data.sessions.filter((s) => s.status === 'held').length;
  const booked = data.sessions.filter((s) => s.status === 'booked').length;
  const cancelled = data.sessions.filter((s) => s.status === 'cancelled').length;
  doc.font('bold').fontSize(13).text(clean('Séances'));
  doc.moveDown(0.2);
  doc
    .font('regular')
    .fontSize(10.5)
    .text(
      clean(
        `${count(held, 'séance')} tenue(s), ${count(booked, 'rendez-vous')} à venir, ${cancelled} annulé(s).`,
      ),
    );
  for (const s of data.sessions) {
    room(20);
    doc.text(
      clean(
        `${frenchDayTime(s.start, tz)} — ${SESSION_STATUS[s.status]}, ${s.mode}, ${formatMinutes(s.minutes)}` +
          (s.status === 'held' ? ' comptées' : ''),
      ),
      { indent: 12 },
    );
  }
  doc.moveDown(1);

  room(60);
  doc.font('bold').fontSize(13).text(clean('Avancement du parcours'));
  doc.moveDown(0.2);
  const percent = data.progress.total > 0 ? Math.round((data.progress.done / data.progress.total) * 100) : 0;
  doc
    .font('regular')
    .fontSize(10.5)
    .text(clean(`${data.progress.done} étape(s) terminée(s) sur ${data.progress.total} (${percent} %).`));
  for (const p of data.progress.byPhase)
    doc.text(clean(`${p.title} : ${p.done} sur ${p.total}`), { indent: 12 });
  return pdf.end();
}
