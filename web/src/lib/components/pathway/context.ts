// What every part of the pathway view shares: the state, who is looking, and the dialogs that live once at
// the top (a step moved to another phase is re-created, so it cannot own its dialog).
import type { AccompanimentId, PhaseWithSteps, Step, StepId } from '@compagnon/model';
import { createContext } from 'svelte';
import type { Role } from '../../api/types.ts';
import type { ExercisesState } from '../../exercises/exercises.svelte.ts';
import type { PathwayState } from '../../sync/pathway.svelte.ts';

export type DialogAdaptation = 'pulled-forward' | 'postponed' | 'skipped' | 'split';

export interface PathwayUi {
  readonly pathway: PathwayState;
  readonly role: Role;
  readonly accompanimentId: AccompanimentId;
  /** Steps shown in the learner's "Aujourd'hui": their contribution field lives there, not in the list. */
  readonly featured: ReadonlySet<StepId>;
  /** The step whose actions are shown: one at a time, like a menu. */
  readonly openMenu: StepId | null;
  setOpenMenu(stepId: StepId | null): void;
  announce(text: string): void;
  openAdaptation(kind: DialogAdaptation, step: Step): void;
  openLibrary(phase: PhaseWithSteps): void;
  /** The exercises placed in the steps (filled in by the learner, commented by the coach). */
  readonly exercises: ExercisesState;
  /** Opens the coach's dialog to place a library exercise in this step. */
  openExercises(step: Step): void;
}

export const [getPathwayUi, setPathwayUi] = createContext<PathwayUi>();

/** Puts the focus on a step's control once the list has re-rendered (the step may have moved). */
export function focusStep(stepId: StepId, ...actions: string[]): void {
  const item = document.querySelector<HTMLElement>(`[data-step-id="${stepId}"]`);
  for (const action of [...actions, 'menu', 'rename', 'status']) {
    const target = item?.querySelector<HTMLElement>(`[data-action="${action}"]:not(:disabled)`);
    if (target) {
      target.focus();
      return;
    }
  }
}
