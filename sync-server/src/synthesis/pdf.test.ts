import { describe, expect, it } from 'vitest';
import { defaultFonts } from '../pdf/toolkit.ts';
import { shownText } from '../test-support/pdf-text.ts';
import { renderSynthesisPdf, validationLine, type SynthesisPdfData } from './pdf.ts';

const data: SynthesisPdfData = {
  accompanimentTitle: 'Bilan de compétences — Léa Martin',
  learnerName: 'Léa Martin',
  coachName: 'Claire Dubois',
  startedAt: Date.UTC(2026, 8, 1, 9),
  generatedAt: Date.UTC(2026, 10, 27, 9),
  sections: [
    { title: 'Compétences et aptitudes', text: 'Écoute, œuvre collective, « rigueur » — l’organisation' },
    { title: 'Motivations', text: '' },
  ],
  validation: { by: 'Léa Martin', at: Date.UTC(2026, 10, 20, 14, 30), current: true },
};

describe('[SYN5] PDF rendering', () => {
  it('draws title, people, dates, sections and the validation line, with French characters', async () => {
    const pdf = await renderSynthesisPdf(data, {
      fonts: { regular: 'Helvetica', bold: 'Helvetica-Bold' },
      compress: false,
    });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = shownText(pdf);
    expect(text).toContain('Document de synthèse');
    expect(text).toContain('Bilan de compétences — Léa Martin');
    expect(text).toContain('Claire Dubois');
    expect(text).toContain('1 septembre 2026');
    expect(text).toContain('Compétences et aptitudes');
    expect(text).toContain('Écoute, œuvre collective, « rigueur » — l’organisation');
    expect(text).toContain('(section non renseignée)');
    expect(text).toContain('Validé par Léa Martin le 20 novembre 2026 à 15:30');
  });

  it('says "Non validé" without validation, and flags a text changed since', () => {
    expect(validationLine(null)).toBe('Non validé');
    expect(validationLine({ by: 'Léa', at: 0, current: false })).toMatch(
      /^Validé par Léa le .* modifié depuis/,
    );
  });

  it('embeds the default font (DejaVu when installed) and stays small', async () => {
    const pdf = await renderSynthesisPdf(data);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.length).toBeLessThan(200_000);
    const fonts = defaultFonts();
    if (fonts.regular.endsWith('.ttf')) expect(pdf.toString('latin1')).toMatch(/DejaVuSans/);
    else expect(pdf.toString('latin1')).toMatch(/Helvetica/);
  });
});
