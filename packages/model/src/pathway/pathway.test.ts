import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addPhase,
  addStep,
  defaultPhases,
  getStep,
  listPhases,
  moveStep,
  readPathway,
  removeStep,
  renamePhase,
  renameStep,
  setStepStatus,
  observePathway,
} from './pathway.ts';
import { initSharedDoc } from '../schema/schema.ts';

function bilanDoc(): Y.Doc {
  const doc = new Y.Doc();
  initSharedDoc(doc, { title: 'Bilan de compétences — Léa Martin', kind: 'bilan', hoursBudget: 24 });
  return doc;
}

const titles = (doc: Y.Doc, phase = 0): string[] => readPathway(doc)[phase]!.steps.map((s) => s.title);

describe('pathway', () => {
  it('[MODEL1] a bilan starts with its three legal phases, in order', () => {
    const doc = bilanDoc();
    expect(listPhases(doc).map((p) => p.title)).toEqual(defaultPhases('bilan'));
    expect(defaultPhases('coaching')).toEqual(['Parcours']);
  });

  it('adds steps at the end or at an index, and keeps their order', () => {
    const doc = bilanDoc();
    const phaseId = listPhases(doc)[0]!.id;
    addStep(doc, { phaseId, title: 'Entretien préalable' });
    addStep(doc, { phaseId, title: 'Analyse de la demande' });
    addStep(doc, { phaseId, title: 'Premier', index: 0 });
    addStep(doc, { phaseId, title: 'Milieu', index: 2 });
    expect(titles(doc)).toEqual(['Premier', 'Entretien préalable', 'Milieu', 'Analyse de la demande']);
  });

  it('renames, changes status and removes a step; rejects an empty title', () => {
    const doc = bilanDoc();
    const phaseId = listPhases(doc)[0]!.id;
    const id = addStep(doc, { phaseId, title: '  Entretien   préalable ' });
    expect(getStep(doc, id)?.title).toBe('Entretien préalable');
    expect(getStep(doc, id)?.status).toBe('todo');
    renameStep(doc, id, 'Entretien de démarrage');
    setStepStatus(doc, id, 'done');
    expect(getStep(doc, id)).toMatchObject({ title: 'Entretien de démarrage', status: 'done' });
    expect(() => renameStep(doc, id, '   ')).toThrow(/vide/);
    expect(() => setStepStatus(doc, id, 'bogus' as never)).toThrow(/Statut/);
    removeStep(doc, id);
    expect(getStep(doc, id)).toBeNull();
  });

  it('moves a step within a phase and across phases', () => {
    const doc = bilanDoc();
    const [p1, p2] = listPhases(doc);
    const a = addStep(doc, { phaseId: p1!.id, title: 'A' });
    addStep(doc, { phaseId: p1!.id, title: 'B' });
    addStep(doc, { phaseId: p1!.id, title: 'C' });
    moveStep(doc, a, { phaseId: p1!.id, index: 2 });
    expect(titles(doc)).toEqual(['B', 'C', 'A']);
    moveStep(doc, a, { phaseId: p2!.id, index: 0 });
    expect(titles(doc)).toEqual(['B', 'C']);
    expect(titles(doc, 1)).toEqual(['A']);
    moveStep(doc, a, { phaseId: p1!.id, index: 99 });
    expect(titles(doc)).toEqual(['B', 'C', 'A']);
  });

  it('[MODEL2] two peers inserting at the same place concurrently both keep their step, in the same order', () => {
    const a = bilanDoc();
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    const phaseId = listPhases(a)[0]!.id;
    addStep(a, { phaseId, title: 'de A' });
    addStep(b, { phaseId, title: 'de B' });
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(titles(a)).toEqual(titles(b));
    expect(titles(a).sort()).toEqual(['de A', 'de B']);
    // Inserting between tied keys still works and lands after the tie.
    addStep(a, { phaseId, title: 'entre', index: 1 });
    expect(titles(a)).toHaveLength(3);
  });

  it('[MODEL3] concurrent moves of the same step never duplicate it', () => {
    const a = bilanDoc();
    const [p1, p2, p3] = listPhases(a);
    const id = addStep(a, { phaseId: p1!.id, title: 'Préparer un entretien' });
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    moveStep(a, id, { phaseId: p2!.id, index: 0 });
    moveStep(b, id, { phaseId: p3!.id, index: 0 });
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    const count = (d: Y.Doc): number =>
      readPathway(d)
        .flatMap((p) => p.steps)
        .filter((s) => s.id === id).length;
    expect(count(a)).toBe(1);
    expect(readPathway(a)).toEqual(readPathway(b));
  });

  it('notifies observers of local and remote changes', () => {
    const doc = bilanDoc();
    let calls = 0;
    const stop = observePathway(doc, () => calls++);
    const phaseId = listPhases(doc)[0]!.id;
    addStep(doc, { phaseId, title: 'x' });
    renamePhase(doc, phaseId, 'Préliminaire');
    addPhase(doc, 'Suivi à 6 mois');
    expect(calls).toBe(3);
    stop();
    addStep(doc, { phaseId, title: 'y' });
    expect(calls).toBe(3);
  });
});
