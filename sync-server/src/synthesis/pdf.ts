// The document de synthèse as a PDF (SYN5), drawn server-side with pdfkit. Only what the synthesis holds:
// the shared document's sections and the validation line — never the coach's private notes.
import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';

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

export interface PdfFonts {
  regular: string;
  bold: string;
}

/** Helvetica is built into every PDF reader; it covers French (WinAnsi) but not every character. */
export const HELVETICA: PdfFonts = { regular: 'Helvetica', bold: 'Helvetica-Bold' };

/** Debian's DejaVu Sans (fonts-dejavu-core): embedded, it covers far more than Latin-1. */
const DEJAVU: PdfFonts = {
  regular: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  bold: '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
};

/** DejaVu Sans when installed, otherwise Helvetica. */
export function defaultFonts(): PdfFonts {
  return existsSync(DEJAVU.regular) && existsSync(DEJAVU.bold) ? DEJAVU : HELVETICA;
}

/** Characters Helvetica's WinAnsi encoding lacks, replaced by their nearest equivalent. */
export function forHelvetica(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\u202f\u2007\u2009]/g, '\u00a0')
    .replace(/[\u2010\u2011]/g, '-')
    .replace(/\u2212/g, '-');
}

const dateFormat = new Intl.DateTimeFormat('fr-FR', {
  dateStyle: 'long',
  timeZone: 'Europe/Paris',
});
const dateTimeFormat = new Intl.DateTimeFormat('fr-FR', {
  dateStyle: 'long',
  timeStyle: 'short',
  timeZone: 'Europe/Paris',
});

export function frenchDate(ms: number): string {
  return dateFormat.format(new Date(ms));
}

/** "Validé par <learner> le <date>", with a warning when the text changed since; or "Non validé". */
export function validationLine(validation: SynthesisPdfData['validation']): string {
  if (!validation) return 'Non validé';
  const line = `Validé par ${validation.by} le ${dateTimeFormat.format(new Date(validation.at))}`;
  return validation.current ? line : `${line} — modifié depuis cette validation`;
}

export const PDF_TITLE = 'Document de synthèse';

/** Renders the synthesis; resolves to the PDF's bytes. */
export function renderSynthesisPdf(
  data: SynthesisPdfData,
  options: { fonts?: PdfFonts; compress?: boolean } = {},
): Promise<Buffer> {
  const fonts = options.fonts ?? defaultFonts();
  const clean = fonts === HELVETICA || fonts.regular === 'Helvetica' ? forHelvetica : (t: string) => t;
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    compress: options.compress ?? true,
    lang: 'fr-FR',
    displayTitle: true,
    info: {
      Title: `${PDF_TITLE} — ${data.accompanimentTitle}`,
      Author: data.coachName,
      Subject: 'Bilan de compétences',
      Creator: 'Compagnon',
      CreationDate: new Date(data.generatedAt),
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.registerFont('regular', fonts.regular);
  doc.registerFont('bold', fonts.bold);

  doc.font('bold').fontSize(20).text(clean(PDF_TITLE));
  doc.moveDown(0.2);
  doc.font('regular').fontSize(13).text(clean(data.accompanimentTitle));
  doc.moveDown(0.8);
  doc.fontSize(10.5);
  const line = (label: string, value: string): void => {
    doc.font('bold').text(clean(`${label} : `), { continued: true });
    doc.font('regular').text(clean(value));
  };
  line('Personne accompagnée', data.learnerName ?? '—');
  line('Accompagnement mené par', data.coachName);
  line('Début de l’accompagnement', frenchDate(data.startedAt));
  line('Document produit le', frenchDate(data.generatedAt));
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
  doc
    .font('regular')
    .fontSize(9)
    .fillColor('#555555')
    .text(
      clean(
        'Ce document de synthèse appartient à la personne accompagnée, qui en est la seule destinataire ; ' +
          'il ne peut être communiqué à un tiers qu’avec son accord.',
      ),
    );
  doc.end();
  return done;
}
