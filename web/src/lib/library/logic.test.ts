import { describe, expect, it } from 'vitest';
import {
  filterLibrary,
  groupLibrary,
  resourceInput,
  stepInput,
  toExpectation,
  toStepResource,
} from './logic.ts';
import type { LibraryItem } from './types.ts';

function item(partial: Partial<LibraryItem> & Pick<LibraryItem, 'id' | 'title'>): LibraryItem {
  return {
    kind: 'resource',
    resourceKind: 'text',
    body: null,
    url: null,
    fileId: null,
    fileName: null,
    expected: null,
    shared: false,
    owner: { id: 'c1', name: 'Claire Dubois' },
    mine: true,
    createdAt: '2026-11-01T10:00:00Z',
    updatedAt: '2026-11-01T10:00:00Z',
    ...partial,
  };
}

const items = [
  item({ id: '1', title: 'Fiche métier', resourceKind: 'link', url: 'https://example.org/fiche' }),
  item({
    id: '2',
    title: 'Écrire son parcours',
    kind: 'step',
    resourceKind: null,
    expected: { kind: 'reflection', prompt: 'Racontez trois réussites.' },
  }),
  item({ id: '3', title: 'Arbre des compétences', body: 'Savoir-faire et savoir-être' }),
  item({
    id: '4',
    title: 'Entretien exploratoire',
    kind: 'step',
    resourceKind: null,
    expected: { kind: 'none', prompt: '' },
  }),
];

describe('groupLibrary', () => {
  it('separates resources from step templates, each alphabetical (accents ignored)', () => {
    const groups = groupLibrary(items);
    expect(groups.resources.map((i) => i.title)).toEqual(['Arbre des compétences', 'Fiche métier']);
    expect(groups.steps.map((i) => i.title)).toEqual(['Écrire son parcours', 'Entretien exploratoire']);
  });
});

describe('filterLibrary', () => {
  it('finds words anywhere, without regard to case or accents', () => {
    expect(filterLibrary(items, 'ecrire').map((i) => i.id)).toEqual(['2']);
    expect(filterLibrary(items, 'REUSSITES').map((i) => i.id)).toEqual(['2']);
    expect(filterLibrary(items, 'savoir etre').map((i) => i.id)).toEqual(['3']);
    expect(filterLibrary(items, 'example.org').map((i) => i.id)).toEqual(['1']);
    expect(filterLibrary(items, '  ')).toHaveLength(4);
    expect(filterLibrary(items, 'introuvable')).toEqual([]);
  });
});

describe('resourceInput', () => {
  const base = { resourceKind: 'text' as const, title: ' Fiche ', body: '', url: '', fileId: null };

  it('sends only the fields of the kind', () => {
    expect(resourceInput({ ...base, body: ' Contenu ', url: 'https://x.org' })).toEqual({
      ok: true,
      input: { kind: 'resource', resourceKind: 'text', title: 'Fiche', body: 'Contenu' },
    });
    expect(
      resourceInput({ ...base, resourceKind: 'video', body: 'ignoré', url: 'https://peertube.fr/w/1' }),
    ).toEqual({
      ok: true,
      input: { kind: 'resource', resourceKind: 'video', title: 'Fiche', url: 'https://peertube.fr/w/1' },
    });
    expect(resourceInput({ ...base, resourceKind: 'document', fileId: 'f1' })).toEqual({
      ok: true,
      input: { kind: 'resource', resourceKind: 'document', title: 'Fiche', fileId: 'f1' },
    });
  });

  it('says what is missing', () => {
    expect(resourceInput({ ...base, title: '  ' })).toEqual({ ok: false, problem: 'title' });
    expect(resourceInput(base)).toEqual({ ok: false, problem: 'body' });
    expect(resourceInput({ ...base, resourceKind: 'link' })).toEqual({ ok: false, problem: 'url' });
    expect(resourceInput({ ...base, resourceKind: 'link', url: 'javascript:alert(1)' })).toEqual({
      ok: false,
      problem: 'url_invalid',
    });
    expect(resourceInput({ ...base, resourceKind: 'document' })).toEqual({ ok: false, problem: 'file' });
  });
});

describe('stepInput', () => {
  it('builds a step template and keeps the resource of the one edited', () => {
    expect(stepInput({ title: 'Étape', expectedKind: 'answer', prompt: ' Pourquoi ? ' })).toEqual({
      ok: true,
      input: { kind: 'step', title: 'Étape', expected: { kind: 'answer', prompt: 'Pourquoi ?' } },
    });
    const edited = item({
      id: '9',
      title: 'Avant',
      kind: 'step',
      resourceKind: 'link',
      url: 'https://x.org',
    });
    expect(stepInput({ title: 'Après', expectedKind: 'none', prompt: '' }, edited)).toEqual({
      ok: true,
      input: {
        kind: 'step',
        title: 'Après',
        expected: { kind: 'none', prompt: '' },
        resourceKind: 'link',
        url: 'https://x.org',
      },
    });
    expect(stepInput({ title: ' ', expectedKind: 'none', prompt: '' })).toEqual({
      ok: false,
      problem: 'title',
    });
  });
});

describe('copying into a step', () => {
  it('gives the step resource and expectation of an item', () => {
    const doc = item({
      id: '5',
      title: 'Guide',
      resourceKind: 'document',
      fileId: 'f1',
      fileName: 'guide.pdf',
    });
    expect(toStepResource(doc)).toEqual({
      kind: 'document',
      title: 'Guide',
      fileId: 'f1',
      fileName: 'guide.pdf',
    });
    expect(toStepResource(items[1]!)).toBeNull();
    expect(toExpectation(items[1]!)).toEqual({ kind: 'reflection', prompt: 'Racontez trois réussites.' });
    expect(toExpectation(doc)).toEqual({ kind: 'none', prompt: '' });
  });
});

describe('exercises in the library', () => {
  it('groups them apart (never as steps to insert) and finds them by their questions', () => {
    const exercise = item({
      id: '6',
      title: 'Mes valeurs',
      kind: 'exercise',
      resourceKind: null,
      exercise: {
        title: 'Mes valeurs',
        questions: [{ id: 'q1', type: 'text', prompt: 'Qu’est-ce qui guide votre classement ?' }],
      },
    });
    // A list cached by an older client has no definition: nothing to place, so it is not offered.
    const cached = item({ id: '7', title: 'Ancien', kind: 'exercise', resourceKind: null });
    const groups = groupLibrary([...items, exercise, cached]);
    expect(groups.exercises.map((i) => i.id)).toEqual(['6']);
    expect(groups.steps.map((i) => i.id)).not.toContain('6');
    expect(groups.resources.map((i) => i.id)).not.toContain('6');
    expect(filterLibrary([...items, exercise], 'guide classement').map((i) => i.id)).toEqual(['6']);
  });
});
