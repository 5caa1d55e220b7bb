// The attendance sheet (feuille d'émargement) as a PDF (SCHED8), drawn server-side with pdfkit like the
// document de synthèse: each held session with each signature — the drawn one rendered, or the confirmation
// — the device and server times, and the result of the chain verification with the chain's last hash, which
// anchors every record above it on paper.
import type { Accompaniment } from '../storage/accompaniments.ts';
import type { AppointmentMode } from '../storage/appointments.ts';
import type { Storage } from '../storage/storage.ts';
import { startPdf, type Pdf, type PdfOptions } from '../pdf/toolkit.ts';
import { verifyChain, type AttendanceFields, type ChainVerification, type HalfDay } from './chain.ts';
import { formatMinutes } from './hours.ts';
import { signatureBox } from './signature-path.ts';
import { DEFAULT_TIME_ZONE, formatTime, toLocal } from './zoned.ts';

export type SheetRecord = Pick<
  AttendanceFields,
  'seq' | 'role' | 'halfDay' | 'method' | 'signature' | 'deviceAt' | 'receivedAt' | 'correctsSeq' | 'reason'
> & { name: string };

export interface AttendanceSheetData {
  accompanimentTitle: string;
  learnerName: string | null;
  coachName: string;
  timeZone: string;
  generatedAt: number;
  sessions: {
    start: number;
    end: number;
    mode: AppointmentMode;
    countedMinutes: number | null;
    phase: string | null;
    /** The workshop of a group session (SCHED14), else null. */
    groupTitle?: string | null;
    records: SheetRecord[];
  }[];
  verification: ChainVerification;
}

export const SHEET_TITLE = 'Feuille d’émargement';

const MODES: Record<AppointmentMode, string> = { video: 'visio', onsite: 'sur place', phone: 'téléphone' };
const HALF_DAYS: Record<HalfDay, string> = { am: 'matin', pm: 'après-midi' };
const ROLES = { coach: 'coach', learner: 'personne accompagnée' } as const;

/** The sheet's content, read from storage: held sessions in order, every record of the chain. */
export async function attendanceSheetData(
  storage: Storage,
  acc: Accompaniment,
  now: number,
): Promise<AttendanceSheetData> {
  const records = await storage.attendance.listForAccompaniment(acc.id);
  const held = (await storage.appointments.listForAccompaniment(acc.id)).filter((a) => a.status === 'held');
  const timeZone = (await storage.availabilities.get(acc.coach.id)).timeZone;
  return {
    accompanimentTitle: acc.title,
    learnerName: acc.learner?.name ?? null,
    coachName: acc.coach.name,
    timeZone,
    generatedAt: now,
    sessions: held.map((a) => ({
      start: a.start,
      end: a.end,
      mode: a.mode,
      countedMinutes: a.countedMinutes,
      phase: a.phase,
      groupTitle: a.group?.workshopTitle ?? null,
      records: records.filter((r) => r.appointmentId === a.id),
    })),
    verification: verifyChain(records),
  };
}

function dateFormat(timeZone: string, withTime: boolean): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('fr-FR', {
    dateStyle: 'long',
    ...(withTime ? { timeStyle: 'medium' as const } : {}),
    timeZone,
  });
}

/** Renders the sheet; resolves to the PDF's bytes. */
export function renderAttendancePdf(data: AttendanceSheetData, options: PdfOptions = {}): Promise<Buffer> {
  const day = dateFormat(data.timeZone, false);
  const stamp = dateFormat(data.timeZone, true);
  const at = (ms: number) => stamp.format(new Date(ms));
  const pdf = startPdf(
    {
      title: `${SHEET_TITLE} — ${data.accompanimentTitle}`,
      author: data.coachName,
      subject: 'Émargement des séances',
      createdAt: data.generatedAt,
    },
    options,
  );
  const { doc, clean, line, room } = pdf;

  pdf.header(SHEET_TITLE, data.accompanimentTitle);
  line('Personne accompagnée', data.learnerName ?? '—');
  line('Accompagnement mené par', data.coachName);
  line('Heures indiquées', data.timeZone === DEFAULT_TIME_ZONE ? 'heure de Paris' : data.timeZone);
  line('Document produit le', at(data.generatedAt));
  doc.moveDown(1);

  if (data.sessions.length === 0)
    doc.font('regular').fontSize(11).text(clean('Aucune séance tenue pour le moment.'));
  for (const session of data.sessions) {
    room(90);
    const start = toLocal(session.start, data.timeZone);
    const end = toLocal(session.end, data.timeZone);
    const half = start.minutes < 13 * 60 ? 'matin' : 'après-midi';
    doc
      .font('bold')
      .fontSize(13)
      .text(
        clean(
          `Séance du ${day.format(new Date(session.start))} — ${formatTime(start.minutes)}–` +
            `${formatTime(end.minutes)} (${half})`,
        ),
      );
    doc.moveDown(0.2);
    doc.fontSize(10.5);
    line(
      'Modalité',
      [
        MODES[session.mode],
        ...(session.groupTitle ? [`séance collective « ${session.groupTitle} »`] : []),
        `durée comptée : ${formatMinutes(session.countedMinutes ?? 0)}`,
        ...(session.phase ? [`phase : ${session.phase}`] : []),
      ].join(' · '),
    );
    doc.moveDown(0.4);
    if (session.records.length === 0)
      doc.font('regular').text(clean('Aucun émargement pour cette séance.'), { indent: 12 });
    for (const r of session.records) {
      room(100);
      doc
        .font('bold')
        .fontSize(10.5)
        .text(clean(`N° ${r.seq} — ${r.name} (${ROLES[r.role]}), ${HALF_DAYS[r.halfDay]}`), { indent: 12 });
      doc.font('regular').fontSize(10);
      if (r.correctsSeq !== null)
        doc.text(clean(`Correction de l’émargement n° ${r.correctsSeq} — motif : ${r.reason ?? '—'}`), {
          indent: 24,
        });
      if (r.method === 'drawn' && r.signature) drawSignature(doc, r.signature, clean);
      else doc.text(clean(`Confirmé le ${at(r.deviceAt)}`), { indent: 24 });
      doc
        .fontSize(9)
        .fillColor('#555555')
        .text(clean(`Heure de l’appareil : ${at(r.deviceAt)} · reçu par le serveur : ${at(r.receivedAt)}`), {
          indent: 24,
        })
        .fillColor('#000000');
      doc.moveDown(0.5);
    }
    doc.moveDown(0.8);
  }

  room(80);
  doc.moveDown(0.5);
  drawChainVerification(
    pdf,
    'Vérification de l’intégrité',
    data.verification,
    ' — un enregistrement a été modifié ou supprimé après coup',
  );
  doc.moveDown(1);
  pdf.note(
    'Chaque émargement est horodaté par l’appareil qui l’a recueilli (éventuellement hors ligne) et par le ' +
      'serveur à sa réception. Les enregistrements sont chaînés : toute modification ultérieure est détectée.',
  );
  return pdf.end();
}

/** The result of the chain verification and the chain's last hash, which anchors every record on paper;
 * `anomaly` ends the sentence saying where the chain breaks. */
export function drawChainVerification(
  pdf: Pdf,
  heading: string,
  v: ChainVerification,
  anomaly: string,
): void {
  const { doc, clean } = pdf;
  doc.font('bold').fontSize(12).text(clean(heading));
  doc.moveDown(0.2);
  doc
    .font('regular')
    .fontSize(10)
    .fillColor(v.ok ? '#000000' : '#b00020')
    .text(
      clean(
        v.ok
          ? `Chaîne d’émargement intègre : ${v.records} enregistrement${v.records > 1 ? 's' : ''} vérifié${v.records > 1 ? 's' : ''}.`
          : `ANOMALIE : la chaîne d’émargement est rompue à l’enregistrement n° ${v.brokenAtSeq}${anomaly}.`,
      ),
    )
    .fillColor('#000000');
  if (v.ok && v.records > 0) doc.text(clean(`Empreinte de la chaîne (SHA-256) : ${v.head}`));
}

const BOX_WIDTH = 170;
const BOX_HEIGHT = 56;

/** The drawn signature, scaled into a framed box under the current line. */
function drawSignature(doc: PDFKit.PDFDocument, d: string, clean: (t: string) => string): void {
  const box = signatureBox(d);
  doc.text(clean('Signature tracée :'), { indent: 24 });
  if (!box) {
    doc.text(clean('(tracé illisible)'), { indent: 24 });
    return;
  }
  const left = doc.page.margins.left + 24;
  const top = doc.y + 2;
  const pad = 6;
  const scale = Math.min(
    (BOX_WIDTH - 2 * pad) / Math.max(box.maxX - box.minX, 1),
    (BOX_HEIGHT - 2 * pad) / Math.max(box.maxY - box.minY, 1),
  );
  doc.save();
  doc.lineWidth(0.5).strokeColor('#999999').rect(left, top, BOX_WIDTH, BOX_HEIGHT).stroke();
  doc.restore();
  doc.save();
  doc.translate(left + pad - box.minX * scale, top + pad - box.minY * scale).scale(scale);
  doc
    .path(d)
    .lineWidth(1.4 / scale)
    .lineCap('round')
    .lineJoin('round')
    .strokeColor('#000000')
    .stroke();
  doc.restore();
  doc.x = doc.page.margins.left;
  doc.y = top + BOX_HEIGHT + 4;
}
