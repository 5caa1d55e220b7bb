// The document de synthèse of a bilan de compétences (Code du travail, R6313-4 and R6313-8): written by the
// coach and the learner together in the shared document, one rich-text section per part the rules expect.
import type * as Y from 'yjs';
import { notesText } from '../notes/notes.ts';
import { ROOT } from '../schema/keys.ts';

export const SYNTHESIS_SECTIONS = [
  { key: 'circumstances', title: 'Circonstances du bilan' },
  { key: 'skills', title: 'Compétences et aptitudes' },
  { key: 'motivations', title: 'Motivations' },
  { key: 'projects', title: 'Projet(s) professionnel(s)' },
  { key: 'steps', title: 'Principales étapes et moyens de mise en œuvre' },
] as const;

export type SynthesisKey = (typeof SYNTHESIS_SECTIONS)[number]['key'];

export function isSynthesisKey(value: unknown): value is SynthesisKey {
  return SYNTHESIS_SECTIONS.some((s) => s.key === value);
}

/** One section of the synthesis, a ProseMirror document bound with y-prosemirror. */
export function synthesisSection(doc: Y.Doc, key: SynthesisKey): Y.XmlFragment {
  if (!isSynthesisKey(key)) throw new Error(`Section de synthèse inconnue : ${String(key)}`);
  return doc.getXmlFragment(ROOT.synthesisPrefix + key);
}

export interface SynthesisSectionText {
  key: SynthesisKey;
  title: string;
  text: string;
}

/** Plain text of every section, in the order of the rules. */
export function synthesisText(doc: Y.Doc): SynthesisSectionText[] {
  return SYNTHESIS_SECTIONS.map(({ key, title }) => ({
    key,
    title,
    text: notesText(synthesisSection(doc, key)),
  }));
}

/**
 * The text a validation is bound to: every section's title and text, in order. Any change to a section's
 * text changes it; formatting alone does not.
 */
export function synthesisCanonicalText(doc: Y.Doc): string {
  return synthesisText(doc)
    .map((s) => `## ${s.title}\n${s.text}`)
    .join('\n\n');
}
