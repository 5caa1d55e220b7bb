// What every PDF the server draws shares (synthesis, attendance sheet, evidence documents): a pdfkit document
// set up the same way (A4, French, DejaVu Sans when installed else Helvetica), the title block, the grey
// closing note, and the French formats of dates and hours.
import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';

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

export interface PdfOptions {
  fonts?: PdfFonts;
  compress?: boolean;
}

export interface Pdf {
  doc: PDFKit.PDFDocument;
  /** Makes text printable with the chosen font (Helvetica lacks a few characters). */
  clean: (text: string) => string;
  /** « Label : value » on one line, the label in bold. */
  line: (label: string, value: string) => void;
  /** Adds a page when fewer than `points` remain on this one. */
  room: (points: number) => void;
  /** The title block: the document's name, the accompaniment under it, then the body size for the facts. */
  header: (title: string, subtitle: string) => void;
  /** The small grey note closing a document. */
  note: (text: string) => void;
  /** Ends the document; resolves to its bytes. */
  end: () => Promise<Buffer>;
}

export function startPdf(
  info: { title: string; author: string; subject: string; createdAt: number },
  options: PdfOptions = {},
): Pdf {
  const fonts = options.fonts ?? defaultFonts();
  const clean = fonts.regular === 'Helvetica' ? forHelvetica : (t: string) => t;
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    compress: options.compress ?? true,
    lang: 'fr-FR',
    displayTitle: true,
    info: {
      Title: info.title,
      Author: info.author,
      Subject: info.subject,
      Creator: 'Compagnon',
      CreationDate: new Date(info.createdAt),
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
  doc.font('regular');
  return {
    doc,
    clean,
    line: (label, value) => {
      doc.font('bold').text(clean(`${label} : `), { continued: true });
      doc.font('regular').text(clean(value));
    },
    room: (points) => {
      if (doc.y + points > doc.page.height - doc.page.margins.bottom) doc.addPage();
    },
    header: (title, subtitle) => {
      doc.font('bold').fontSize(20).text(clean(title));
      doc.moveDown(0.2);
      doc.font('regular').fontSize(13).text(clean(subtitle));
      doc.moveDown(0.8);
      doc.fontSize(10.5);
    },
    note: (text) => {
      doc.font('regular').fontSize(9).fillColor('#555555').text(clean(text));
    },
    end: () => {
      doc.end();
      return done;
    },
  };
}

const PARIS = 'Europe/Paris';

export function frenchDay(ms: number, timeZone = PARIS): string {
  return new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone }).format(new Date(ms));
}

export function frenchDayTime(ms: number, timeZone = PARIS): string {
  return new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short', timeZone }).format(
    new Date(ms),
  );
}

/** A contract date `YYYY-MM-DD` in French (« 2 novembre 2026 »), read as a calendar day, not an instant. */
export function frenchIsoDate(date: string): string {
  return new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'UTC' }).format(
    new Date(`${date}T12:00:00Z`),
  );
}

/** `750` → « 12,5 heures » (the decimal hours funders' forms ask for). */
export function decimalHours(minutes: number): string {
  const hours = Math.round((minutes / 60) * 100) / 100;
  return `${hours.toLocaleString('fr-FR', { maximumFractionDigits: 2 })} heure${hours > 1 ? 's' : ''}`;
}
