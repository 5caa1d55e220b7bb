import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { StepId, UserId } from '../ids/ids.ts';
import { addStep, getStep, listPhases, readPathway } from '../pathway/pathway.ts';
import { initSharedDoc } from '../schema/schema.ts';
import {
  AdaptationError,
  addAttachment,
  addStepTraced,
  changeStepStatus,
  currentPhaseId,
  expectationMet,
  listAdaptations,
  moveStepTraced,
  postpone,
  pullForward,
  removeStepTraced,
  setContribution,
  skipStep,
  splitStep,
  type Actor,
} from './adaptation.ts';

const coach: Actor = { id: 'u-coach' as UserId, name: 'Claire Dubois', role: 'coach' };
const learner: Actor = { id: 'u-lea' as UserId, name: 'Léa Martin', role: 'learner' };

function bilan(): Y.Doc {
  const doc = new Y.Doc();
  initSharedDoc(doc, { title: 'Bilan — Léa', kind: 'bilan', hoursBudget: 24 }, 'bilan');
  return doc;
}

const stepByTitle = (doc: Y.Doc, title: string) =>
  readPathway(doc)
    .flatMap((p) => p.steps)
    .find((s) => s.title === title)!;

const phaseTitleOf = (doc: Y.Doc, stepId: StepId): string =>
  readPathway(doc).find((p) => p.steps.some((s) => s.id === stepId))!.title;

describe('adaptations', () => {
  it('[PATH1] a bilan template copies its steps with their origin', () => {
    const doc = bilan();
    const steps = readPathway(doc).flatMap((p) => p.steps);
    expect(steps.length).toBeGreaterThan(5);
    expect(steps.every((s) => s.origin?.type === 'template' && s.origin.id === 'bilan')).toBe(true);
  });

  it('[PATH2] pulling a conclusion step forward moves it to the top of the current phase, traced with its reason', () => {
    const doc = bilan();
    const step = stepByTitle(doc, 'Préparer un entretien');
    expect(() => pullForward(doc, step.id, coach, { reason: '  ' })).toThrow(AdaptationError);
    pullForward(doc, step.id, coach, { reason: 'entretien chez X le 3/12', now: 1000 });
    const phase = readPathway(doc)[0]!;
    expect(phase.id).toBe(currentPhaseId(doc));
    expect(phase.steps[0]!.title).toBe('Préparer un entretien');
    expect(phase.steps[0]!.pulledForwardAt).toBe(1000);
    expect(phase.steps[0]!.status).toBe('in_progress');
    expect(listAdaptations(doc)[0]).toMatchObject({
      kind: 'pulled-forward',
      by: coach,
      stepTitle: 'Préparer un entretien',
      reason: 'entretien chez X le 3/12',
      at: 1000,
    });
  });

  it('[PATH3] postponing moves a step to the start of the next phase; skipping requires a reason', () => {
    const doc = bilan();
    const step = stepByTitle(doc, 'Définition des objectifs du bilan');
    postpone(doc, step.id, coach, { reason: 'attendre le retour de l’employeur' });
    expect(phaseTitleOf(doc, step.id)).toBe("Phase d'investigation");
    expect(() => skipStep(doc, step.id, coach, {})).toThrow(/raison/);
    skipStep(doc, step.id, coach, { reason: 'déjà fait avec Pôle emploi' });
    expect(getStep(doc, step.id)?.status).toBe('skipped');
    expect(listAdaptations(doc).map((a) => a.kind)).toEqual(expect.arrayContaining(['postponed', 'skipped']));
  });

  it('[PATH4] a learner may add and complete steps but not reshape the pathway', () => {
    const doc = bilan();
    const phaseId = listPhases(doc)[1]!.id;
    const id = addStepTraced(doc, { phaseId, title: 'Lire un article' }, learner);
    expect(listAdaptations(doc)[0]).toMatchObject({ kind: 'added', by: learner, stepId: id });
    for (const attempt of [
      () => pullForward(doc, id, learner, { reason: 'x' }),
      () => postpone(doc, id, learner, { reason: 'x' }),
      () => skipStep(doc, id, learner, { reason: 'x' }),
      () => splitStep(doc, id, ['a'], learner),
      () => moveStepTraced(doc, id, { phaseId, index: 0 }, learner),
      () => removeStepTraced(doc, id, learner),
    ])
      expect(attempt).toThrow(expect.objectContaining({ code: 'forbidden' }));
    changeStepStatus(doc, id, 'done', learner);
    expect(getStep(doc, id)?.status).toBe('done');
  });

  it('[PATH5] no blind validation: a learner completes an expecting step only once the contribution is there', () => {
    const doc = bilan();
    const phaseId = listPhases(doc)[0]!.id;
    const reflection = addStep(doc, {
      phaseId,
      title: 'Lire la fiche métier',
      expected: { kind: 'reflection', prompt: 'Ce que vous en retenez' },
    });
    expect(() => changeStepStatus(doc, reflection, 'done', learner)).toThrow(
      expect.objectContaining({ code: 'expectation-unmet' }),
    );
    setContribution(doc, reflection, 'Le métier me plaît pour le contact.');
    expect(expectationMet(getStep(doc, reflection)!)).toBe(true);
    changeStepStatus(doc, reflection, 'done', learner);

    const docStep = addStep(doc, {
      phaseId,
      title: 'CV',
      expected: { kind: 'document', prompt: 'Votre CV' },
    });
    expect(() => changeStepStatus(doc, docStep, 'done', learner)).toThrow(/document/);
    addAttachment(doc, docStep, { fileId: 'f1', name: 'cv.pdf', size: 1200, type: 'application/pdf' });
    changeStepStatus(doc, docStep, 'done', learner);
    // The coach can close any step.
    const other = addStep(doc, { phaseId, title: 'Q', expected: { kind: 'answer', prompt: '?' } });
    changeStepStatus(doc, other, 'done', coach);
    expect(getStep(doc, other)?.status).toBe('done');
  });

  it('keeps the unchanged parts of a contribution when it is replaced (concurrent edits merge)', () => {
    const a = bilan();
    const phaseId = listPhases(a)[0]!.id;
    const id = addStep(a, { phaseId, title: 'R', expected: { kind: 'reflection', prompt: '' } });
    setContribution(a, id, 'début fin');
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    setContribution(a, id, 'début milieu fin');
    setContribution(b, id, 'début fin !');
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(getStep(a, id)?.contribution).toBe('début milieu fin !');
    expect(getStep(b, id)?.contribution).toBe('début milieu fin !');
  });

  it('[PATH6] splits a step into sub-steps and removes them with their parent', () => {
    const doc = bilan();
    const step = stepByTitle(doc, 'Identification des compétences et aptitudes');
    const subs = splitStep(doc, step.id, ['Compétences techniques', ' ', 'Savoir-être'], coach, {});
    expect(subs).toHaveLength(2);
    expect(subs.map((id) => getStep(doc, id)?.parentId)).toEqual([step.id, step.id]);
    expect(() => splitStep(doc, subs[0]!, ['x'], coach)).toThrow(AdaptationError);
    postpone(doc, step.id, coach, { reason: 'plus tard' });
    expect(subs.map((id) => phaseTitleOf(doc, id))).toEqual(['Phase de conclusion', 'Phase de conclusion']);
    removeStepTraced(doc, step.id, coach, { reason: 'fusionnée' });
    expect(subs.map((id) => getStep(doc, id))).toEqual([null, null]);
    expect(listAdaptations(doc)[0]).toMatchObject({ kind: 'removed', reason: 'fusionnée' });
  });

  it('an unknown step is a clear error that changes nothing', () => {
    const doc = bilan();
    const before = Y.encodeStateAsUpdate(doc);
    expect(() => pullForward(doc, 'nope' as StepId, coach, { reason: 'x' })).toThrow(/introuvable/);
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
  });
});
