import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { appendNoteParagraph, privateNotes, sharedNotes } from '../notes/notes.ts';
import {
  SYNTHESIS_SECTIONS,
  isSynthesisKey,
  synthesisCanonicalText,
  synthesisSection,
  synthesisText,
} from './synthesis.ts';

describe('[SYN1] document de synthèse', () => {
  it('has the five sections of a bilan, in order, with French titles', () => {
    expect(SYNTHESIS_SECTIONS.map((s) => s.key)).toEqual([
      'circumstances',
      'skills',
      'motivations',
      'projects',
      'steps',
    ]);
    expect(SYNTHESIS_SECTIONS[3].title).toBe('Projet(s) professionnel(s)');
    expect(isSynthesisKey('skills')).toBe(true);
    expect(isSynthesisKey('notes')).toBe(false);
  });

  it('keeps each section apart from the others and from the notes', () => {
    const doc = new Y.Doc();
    appendNoteParagraph(synthesisSection(doc, 'skills'), 'Sens de l’organisation');
    appendNoteParagraph(synthesisSection(doc, 'skills'), 'Écoute');
    appendNoteParagraph(synthesisSection(doc, 'projects'), 'Paysagiste');
    appendNoteParagraph(sharedNotes(doc), 'Note partagée');
    appendNoteParagraph(privateNotes(doc), 'Note privée');
    const text = synthesisText(doc);
    expect(text.map((s) => s.text)).toEqual(['', 'Sens de l’organisation\nÉcoute', '', 'Paysagiste', '']);
    expect(text[1]).toEqual({
      key: 'skills',
      title: 'Compétences et aptitudes',
      text: 'Sens de l’organisation\nÉcoute',
    });
    expect(synthesisCanonicalText(doc)).not.toContain('Note');
  });

  it('syncs between two peers', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    appendNoteParagraph(synthesisSection(a, 'motivations'), 'Travailler dehors');
    appendNoteParagraph(synthesisSection(b, 'motivations'), 'Autonomie');
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    expect(synthesisText(a)).toEqual(synthesisText(b));
    expect(synthesisText(a)[2]!.text).toContain('Autonomie');
  });

  it('its canonical text changes with any section and only with the text', () => {
    const doc = new Y.Doc();
    const before = synthesisCanonicalText(doc);
    appendNoteParagraph(synthesisSection(doc, 'steps'), 'Formation CAPA');
    const after = synthesisCanonicalText(doc);
    expect(after).not.toBe(before);
    expect(after).toContain('## Principales étapes et moyens de mise en œuvre\nFormation CAPA');
  });

  it('refuses an unknown section', () => {
    expect(() => synthesisSection(new Y.Doc(), 'x' as 'skills')).toThrow();
  });
});
