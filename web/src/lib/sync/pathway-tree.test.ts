import type { PhaseId, PhaseWithSteps, Step, StepId } from '@compagnon/model';
import { describe, expect, it } from 'vitest';
import { buildTree, todaySteps } from './pathway-tree.ts';

function step(id: string, phaseId: string, extra: Partial<Step> = {}): Step {
  return {
    id: id as StepId,
    title: id,
    phaseId: phaseId as PhaseId,
    status: 'todo',
    order: id,
    parentId: null,
    expected: { kind: 'none', prompt: '' },
    contribution: '',
    attachments: [],
    origin: null,
    resource: null,
    pulledForwardAt: null,
    ...extra,
  };
}

function phase(id: string, steps: Step[]): PhaseWithSteps {
  return { id: id as PhaseId, title: id, order: id, steps };
}

describe('buildTree', () => {
  it('lists sub-steps under their parent, even when the parent moved to another phase', () => {
    const phases = [
      phase('p1', [step('a', 'p1'), step('a1', 'p1', { parentId: 'b' as StepId }), step('c', 'p1')]),
      phase('p2', [step('b', 'p2'), step('b2', 'p2', { parentId: 'b' as StepId })]),
    ];
    const tree = buildTree(phases);
    expect(tree.topLevel.get('p1' as PhaseId)?.map((s) => s.id)).toEqual(['a', 'c']);
    expect(tree.topLevel.get('p2' as PhaseId)?.map((s) => s.id)).toEqual(['b']);
    expect(tree.children.get('b' as StepId)?.map((s) => s.id)).toEqual(['a1', 'b2']);
  });

  it('shows a sub-step whose parent is gone as a step of its phase', () => {
    const tree = buildTree([phase('p1', [step('x', 'p1', { parentId: 'gone' as StepId })])]);
    expect(tree.topLevel.get('p1' as PhaseId)?.map((s) => s.id)).toEqual(['x']);
  });
});

describe('todaySteps', () => {
  it('puts steps pulled forward first (latest first), then the open steps of the current phase', () => {
    const phases = [
      phase('p1', [
        step('late', 'p1', { pulledForwardAt: 10 }),
        step('latest', 'p1', { pulledForwardAt: 20 }),
        step('open', 'p1', { status: 'in_progress' }),
        step('done', 'p1', { status: 'done' }),
        step('skipped', 'p1', { status: 'skipped' }),
      ]),
      phase('p2', [step('later', 'p2'), step('doneEarly', 'p2', { status: 'done', pulledForwardAt: 30 })]),
    ];
    const { pulled, current } = todaySteps(phases, 'p1' as PhaseId);
    expect(pulled.map((s) => s.id)).toEqual(['latest', 'late']);
    expect(current.map((s) => s.id)).toEqual(['open']);
  });
});
