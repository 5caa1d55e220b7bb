// The certificat de réalisation (EVID1): the funders' common model (CPF, OPCO, France Travail, régions) —
// who delivered which action to whom, between which dates, for how many hours — with place, date and a
// signature line. Facts only: hours are the provider minutes of held sessions.
import { formatMinutes } from '../scheduling/hours.ts';
import { FUNDER_LABELS, KIND_LABELS, type CommonFacts, type Period } from './facts.ts';
import { decimalHours, frenchDay, frenchIsoDate, startPdf, type PdfOptions } from '../pdf/toolkit.ts';

export const CERTIFICATE_TITLE = 'Certificat de réalisation';

const NATURES = [
  { key: 'formation', label: 'action de formation' },
  { key: 'bilan', label: 'bilan de compétences' },
  { key: 'vae', label: 'action de validation des acquis de l’expérience' },
  { key: 'apprentissage', label: 'action de formation par apprentissage' },
] as const;

export function periodDay(value: Period['start'], timeZone: string): string | null {
  if (!value) return null;
  return 'date' in value ? frenchIsoDate(value.date) : frenchDay(value.at, timeZone);
}

export function renderCertificatePdf(facts: CommonFacts, options: PdfOptions = {}): Promise<Buffer> {
  const pdf = startPdf(
    {
      title: `${CERTIFICATE_TITLE} — ${facts.accompanimentTitle}`,
      author: facts.organisationName,
      subject: CERTIFICATE_TITLE,
      createdAt: facts.generatedAt,
    },
    options,
  );
  const { doc, clean, line } = pdf;
  const start = periodDay(facts.period.start, facts.timeZone);
  const end = periodDay(facts.period.end, facts.timeZone);

  doc.font('bold').fontSize(20).text(clean(CERTIFICATE_TITLE), { align: 'center' });
  doc.moveDown(0.2);
  doc
    .font('regular')
    .fontSize(10)
    .fillColor('#555555')
    .text(clean('Action concourant au développement des compétences'), { align: 'center' })
    .fillColor('#000000');
  doc.moveDown(1.2);
  doc.fontSize(11);
  doc.text(
    clean(
      'Je soussigné·e, représentant·e légal·e du dispensateur de l’action concourant au développement des ' +
        `compétences, ${facts.organisationName}, atteste que :`,
    ),
    { lineGap: 2 },
  );
  doc.moveDown(0.6);
  line('Bénéficiaire', facts.learnerName ?? '—');
  line('a suivi l’action', facts.accompanimentTitle);
  doc.moveDown(0.6);
  doc.font('bold').text(clean('Nature de l’action concourant au développement des compétences :'));
  doc.font('regular');
  for (const nature of NATURES)
    doc.text(clean(`[${facts.kind === nature.key ? 'X' : ' '}] ${nature.label}`), { indent: 12 });
  if (facts.kind !== 'bilan') doc.text(clean(`[X] ${KIND_LABELS[facts.kind]}`), { indent: 12 });
  doc.moveDown(0.6);
  line('qui s’est déroulée du', `${start ?? '—'} au ${end ?? '—'}`);
  line(
    'pour une durée de',
    facts.heldSessions === 0
      ? '0 heure (aucune séance tenue)'
      : `${formatMinutes(facts.providerMinutes)} (${decimalHours(facts.providerMinutes)}) réalisées avec le ` +
          `prestataire, en ${facts.heldSessions} séance${facts.heldSessions > 1 ? 's' : ''}`,
  );
  if (facts.funder) line('Financement', FUNDER_LABELS[facts.funder]);
  line('Accompagnement mené par', facts.coachName);
  doc.moveDown(1);
  doc
    .fontSize(9.5)
    .text(
      clean(
        'Sans préjudice des délais imposés par les règles fiscales, comptables ou commerciales, je m’engage à ' +
          'conserver l’ensemble des pièces justificatives qui ont permis d’établir le présent certificat pendant ' +
          'une durée de 3 ans à compter de la fin de l’année du dernier paiement. En cas de cofinancement des ' +
          'fonds européens, la durée de conservation est étendue conformément aux obligations conventionnelles ' +
          'spécifiques.',
      ),
      { lineGap: 1.5 },
    );
  doc.moveDown(1.5);
  doc.fontSize(11);
  doc.text(clean(`Fait à : ________________________    le ${frenchDay(facts.generatedAt, facts.timeZone)}`));
  doc.moveDown(1.5);
  doc.font('bold').text(clean('Cachet et signature du responsable du dispensateur de l’action'));
  doc.moveDown(2.5);
  doc.font('regular').text(clean('_____________________________________'));
  return pdf.end();
}
