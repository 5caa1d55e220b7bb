// How the pathway is shown: in each phase its top-level steps, each followed by its sub-steps. A sub-step
// shows under its parent wherever the parent is (moving a parent does not move its sub-steps in the document).
import type { PhaseId, PhaseWithSteps, Step, StepId } from '@compagnon/model';

export interface PathwayTree {
  byId: Map<StepId, Step>;
  /** Top-level steps of each phase, in order (a sub-step whose parent is gone counts as top-level). */
  topLevel: Map<PhaseId, Step[]>;
  /** Sub-steps of each parent, in order. */
  children: Map<StepId, Step[]>;
}

export function buildTree(phases: PhaseWithSteps[]): PathwayTree {
  const byId = new Map<StepId, Step>();
  for (const phase of phases) for (const step of phase.steps) byId.set(step.id, step);
  const topLevel = new Map<PhaseId, Step[]>();
  const children = new Map<StepId, Step[]>();
  for (const phase of phases) {
    const top: Step[] = [];
    for (const step of phase.steps) {
      const parent = step.parentId ? byId.get(step.parentId) : undefined;
      // Only one level: a sub-step of a sub-step (never created by the model) shows as top-level.
      if (parent && !parent.parentId) {
        const list = children.get(parent.id) ?? [];
        list.push(step);
        children.set(parent.id, list);
      } else top.push(step);
    }
    topLevel.set(phase.id, top);
  }
  // Sub-steps from several phases: keep the order of their phases, then their own order.
  return { byId, topLevel, children };
}

/** Steps that are still to be done (neither done nor skipped). */
export function isOpen(step: Step): boolean {
  return step.status === 'todo' || step.status === 'in_progress';
}

/**
 * The learner's "Aujourd'hui": steps pulled forward (latest first), then the open steps of the current
 * phase, each step once.
 */
export function todaySteps(
  phases: PhaseWithSteps[],
  currentPhaseId: PhaseId | null,
): { pulled: Step[]; current: Step[] } {
  const all = phases.flatMap((p) => p.steps);
  const pulled = all
    .filter((s) => s.pulledForwardAt !== null && isOpen(s))
    .sort((a, b) => (b.pulledForwardAt ?? 0) - (a.pulledForwardAt ?? 0));
  const shown = new Set(pulled.map((s) => s.id));
  const phase = phases.find((p) => p.id === currentPhaseId);
  const current = (phase?.steps ?? []).filter((s) => isOpen(s) && !shown.has(s.id));
  return { pulled, current };
}
