// The document de synthèse as a PDF (SYN5), drawn server-side with pdfkit. Only what the synthesis holds:
// the shared document's sections and the validation line — never the coach's private notes.
import { frenchDay, frenchDayTime, startPdf, type PdfOptions } from '../pdf/toolkit.ts';

export interface SynthesisPdfData {
  accompanimentTitle: string;
  learnerName: string | null;
  coachName: string;
  /** When the accompaniment started and when this PDF is produced (ms since epoch). */
  startedAt: number;
  generatedAt: number;
  sections: { title: string; text: string }[];
  /** The last validation, and whether the text is still the one validated. */
  validation: { by: string; at: number; current: boolean } | null;
}

/** "Validé par <learner> le <date>", with a warning when the text changed since; or "Non validé". */
export function validationLine(validation: SynthesisPdfData['validation']): string {
  if (!validation) return 'Non validé';
  const line = `Validé par ${validation.by} le ${frenchDayTime(validation.at)}`;
  return validation.current ? line : `${line} — modifié depuis cette validation`;
}

export const PDF_TITLE = 'Document de synthèse';

/** Renders the synthesis; resolves to the PDF's bytes. */
export function renderSynthesisPdf(data: SynthesisPdfData, options: PdfOptions = {}): Promise<Buffer> {
  const pdf = startPdf(
    {
      title: `${PDF_TITLE} — ${data.accompanimentTitle}`,
      author: data.coachName,
      subject: 'Bilan de compétences',
      createdAt: data.generatedAt,
    },
    options,
  );
  const { doc, clean, line } = pdf;

  pdf.header(PDF_TITLE, data.accompanimentTitle);
  line('Personne accompagnée', data.learnerName ?? '—');
  line('Accompagnement mené par', data.coachName);
  line('Début de l’accompagnement', frenchDay(data.startedAt));
  line('Document produit le', frenchDay(data.generatedAt));
  line('Validation', validationLine(data.validation));
  doc.moveDown(1);

  for (const section of data.sections) {
    doc.font('bold').fontSize(14).text(clean(section.title));
    doc.moveDown(0.3);
    doc
      .font('regular')
      .fontSize(11)
      .text(clean(section.text.trim() || '(section non renseignée)'), { lineGap: 2 });
    doc.moveDown(1);
  }

  doc.moveDown(0.5);
  pdf.note(
    'Ce document de synthèse appartient à la personne accompagnée, qui en est la seule destinataire ; ' +
      'il ne peut être communiqué à un tiers qu’avec son accord.',
  );
  return pdf.end();
}
