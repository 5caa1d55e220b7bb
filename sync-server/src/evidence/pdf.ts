// What the evidence documents share (EVID): a pdfkit document set up like the synthesis and the attendance
// sheet (A4, French, DejaVu Sans when installed else Helvetica), and the French formats of dates and hours.
import PDFDocument from 'pdfkit';
import { defaultFonts, forHelvetica, type PdfFonts } from '../synthesis/pdf.ts';

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
