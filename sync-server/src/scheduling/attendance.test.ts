import { describe, expect, it } from 'vitest';
import { renderAttendancePdf, type AttendanceSheetData } from './attendance-pdf.ts';
import { GENESIS_HASH, canonicalRecord, chainHash, verifyChain, type ChainedRecord } from './chain.ts';
import { formatMinutes, hoursSummary } from './hours.ts';
import { signatureBox } from './signature-path.ts';
import { shownText } from '../test-support/pdf-text.ts';

function chain(count: number): ChainedRecord[] {
  const out: ChainedRecord[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq++) {
    const fields = {
      accompanimentId: 'acc',
      seq,
      appointmentId: 'rdv',
      userId: seq % 2 ? 'learner' : 'coach',
      role: seq % 2 ? ('learner' as const) : ('coach' as const),
      halfDay: 'am' as const,
      method: 'confirmed' as const,
      signature: null,
      deviceAt: 1_000 * seq,
      receivedAt: 2_000 * seq,
      correctsSeq: null,
      reason: null,
    };
    const hash = chainHash(prev, fields);
    out.push({ ...fields, prevHash: prev, hash });
    prev = hash;
  }
  return out;
}

describe('[SCHED8] the attendance chain', () => {
  it('serialises a record canonically, whatever the key order', () => {
    const [r] = chain(1);
    const shuffled = Object.fromEntries(Object.entries(r!).reverse()) as unknown as ChainedRecord;
    expect(canonicalRecord(shuffled)).toBe(canonicalRecord(r!));
    expect(canonicalRecord(r!)).toMatch(/^\["compagnon-attendance-v1","acc",1,/);
  });

  it('verifies an intact chain and points at the first changed, removed or reordered record', () => {
    const intact = chain(4);
    expect(verifyChain(intact)).toEqual({ ok: true, records: 4, head: intact[3]!.hash });
    expect(verifyChain([])).toEqual({ ok: true, records: 0, head: GENESIS_HASH });

    const changed = chain(4).map((r) => (r.seq === 3 ? { ...r, deviceAt: r.deviceAt + 1 } : r));
    expect(verifyChain(changed)).toMatchObject({ ok: false, brokenAtSeq: 3 });
    const removed = chain(4).filter((r) => r.seq !== 2);
    expect(verifyChain(removed)).toMatchObject({ ok: false, brokenAtSeq: 2 });
    // Rewriting a record with its own hash recomputed still breaks the link of the next one.
    const rehashed = chain(4).map((r) => {
      if (r.seq !== 2) return r;
      const forged = { ...r, userId: 'someone-else' };
      return { ...forged, hash: chainHash(r.prevHash, forged) };
    });
    expect(verifyChain(rehashed)).toMatchObject({ ok: false, brokenAtSeq: 3 });
  });
});

describe('[SCHED8] signature path data', () => {
  it('measures absolute and relative paths, and refuses what is not path data', () => {
    expect(signatureBox('M10 20 L30 40 L20 60')).toEqual({ minX: 10, minY: 20, maxX: 30, maxY: 60 });
    expect(signatureBox('m10,20 l5,5 h10 v-30 z')).toEqual({ minX: 10, minY: -5, maxX: 25, maxY: 25 });
    expect(signatureBox('M0 0 C 10 10, 20 -5, 30 0 Q 40 10 50 0')).toEqual({
      minX: 0,
      minY: -5,
      maxX: 50,
      maxY: 10,
    });
    expect(signatureBox('M1 1 2 2 3 3')).toEqual({ minX: 1, minY: 1, maxX: 3, maxY: 3 });
    // What the web app's signature pad sends: strokes of absolute segments, a tap as a tiny relative line.
    expect(signatureBox('M10 20L30 40.3M5 5l0.1 0')).toEqual({ minX: 5, minY: 5, maxX: 30, maxY: 40.3 });
    for (const bad of ['', 'L10 10', '10 10', 'M10', 'M10 10 L', '<script>', 'M1e9 0', 'M0 0 Z 5'])
      expect(signatureBox(bad), bad).toBeNull();
  });
});

describe('[SCHED7] hours arithmetic', () => {
  it('adds held sessions per phase, keeps personal time apart and warns near the limits', () => {
    const summary = hoursSummary({
      kind: 'bilan',
      hoursBudget: 24,
      held: [
        { countedMinutes: 120, phase: 'Phase préliminaire' },
        { countedMinutes: 90, phase: 'Phase d’investigation' },
        { countedMinutes: 60, phase: 'Phase préliminaire' },
        { countedMinutes: 30, phase: null },
      ],
      personal: [{ minutes: 200 }],
    });
    expect(summary).toEqual({
      contractedMinutes: 1440,
      providerMinutes: 300,
      personalMinutes: 200,
      remainingMinutes: 1140,
      byPhase: [
        { phase: 'Phase préliminaire', minutes: 180 },
        { phase: 'Phase d’investigation', minutes: 90 },
        { phase: 'Hors phase', minutes: 30 },
      ],
      capMinutes: 1440,
      warning: null,
    });
    expect(
      hoursSummary({
        kind: 'bilan',
        hoursBudget: 24,
        held: [{ countedMinutes: 1320, phase: null }],
        personal: [],
      }).warning,
    ).toMatch(/^Bilan de compétences : 22 h déjà comptées/);
    const over = hoursSummary({
      kind: 'coaching',
      hoursBudget: 1.5,
      held: [{ countedMinutes: 100, phase: null }],
      personal: [],
    });
    expect(over).toMatchObject({ contractedMinutes: 90, remainingMinutes: 0, capMinutes: null });
    expect(over.warning).toBe('Les heures prévues sont dépassées de 10 min.');
    expect(hoursSummary({ kind: 'autre', hoursBudget: 0, held: [], personal: [] }).warning).toBeNull();
    expect([formatMinutes(45), formatMinutes(60), formatMinutes(95), formatMinutes(-5)]).toEqual([
      '45 min',
      '1 h',
      '1 h 35',
      '−5 min',
    ]);
  });
});

const SHEET: AttendanceSheetData = {
  accompanimentTitle: 'Bilan de compétences — Léa Martin',
  learnerName: 'Léa Martin',
  coachName: 'Claire Dubois',
  timeZone: 'Europe/Paris',
  generatedAt: Date.UTC(2026, 10, 27, 9),
  sessions: [
    {
      start: Date.UTC(2026, 9, 20, 8),
      end: Date.UTC(2026, 9, 20, 9, 30),
      mode: 'video',
      countedMinutes: 90,
      phase: 'Phase préliminaire',
      records: [
        {
          seq: 1,
          name: 'Léa Martin',
          role: 'learner',
          halfDay: 'am',
          method: 'drawn',
          signature: 'M10 40 C 20 10, 40 10, 50 40 S 80 70, 90 40',
          deviceAt: Date.UTC(2026, 9, 20, 9, 25, 12),
          receivedAt: Date.UTC(2026, 9, 20, 9, 40, 3),
          correctsSeq: null,
          reason: null,
        },
        {
          seq: 2,
          name: 'Claire Dubois',
          role: 'coach',
          halfDay: 'am',
          method: 'confirmed',
          signature: null,
          deviceAt: Date.UTC(2026, 9, 20, 9, 26),
          receivedAt: Date.UTC(2026, 9, 20, 9, 26, 1),
          correctsSeq: null,
          reason: null,
        },
      ],
    },
    {
      start: Date.UTC(2026, 9, 27, 13),
      end: Date.UTC(2026, 9, 27, 14),
      mode: 'onsite',
      countedMinutes: 60,
      phase: null,
      records: [],
    },
  ],
  verification: { ok: true, records: 2, head: 'ab'.repeat(32) },
};

describe('[SCHED8] the attendance sheet PDF', () => {
  it('shows people, sessions with dates and times, signatures, both times and the verification', async () => {
    const pdf = await renderAttendancePdf(SHEET, {
      fonts: { regular: 'Helvetica', bold: 'Helvetica-Bold' },
      compress: false,
    });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = shownText(pdf);
    expect(text).toContain('Feuille d’émargement');
    expect(text).toContain('Bilan de compétences — Léa Martin');
    expect(text).toContain('Claire Dubois');
    // 20 October 08:00Z is 10:00 in Paris (summer time), 27 October 13:00Z is 14:00 (winter time).
    expect(text).toContain('Séance du 20 octobre 2026 — 10:00–11:30 (matin)');
    expect(text).toContain('Séance du 27 octobre 2026 — 14:00–15:00 (après-midi)');
    expect(text).toContain('N° 1 — Léa Martin (personne accompagnée), matin');
    expect(text).toContain('Confirmé le 20 octobre 2026 à 11:26:00');
    expect(text).toContain(
      'Heure de l’appareil : 20 octobre 2026 à 11:25:12 · reçu par le serveur : 20 octobre 2026 à 11:40:03',
    );
    expect(text).toContain('Aucun émargement pour cette séance.');
    expect(text).toContain('Chaîne d’émargement intègre : 2 enregistrements vérifiés.');
    expect(text).toContain('Empreinte de la chaîne (SHA-256) : ');
    expect(text).toContain('ab'.repeat(32));
    expect(text).toContain('Signature tracée :');
    // The drawn signature is a path in the page's content, not text.
    expect(pdf.toString('latin1')).toMatch(/ c\n/);
  });

  it('flags a broken chain', async () => {
    const pdf = await renderAttendancePdf(
      { ...SHEET, verification: { ok: false, records: 2, brokenAtSeq: 2, head: GENESIS_HASH } },
      { fonts: { regular: 'Helvetica', bold: 'Helvetica-Bold' }, compress: false },
    );
    expect(shownText(pdf)).toContain('ANOMALIE : la chaîne d’émargement est rompue à l’enregistrement n° 2');
  });
});
