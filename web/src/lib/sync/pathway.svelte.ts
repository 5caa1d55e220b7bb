// The pathway of a shared document as reactive state. Reads go through the model on every change (local or
// remote); writes call the model's functions, whose effect comes back through the observer.
import {
  addStep,
  moveStep,
  observePathway,
  readMeta,
  readPathway,
  removeStep,
  renameStep,
  setStepStatus,
  type Doc,
  type Meta,
  type PhaseId,
  type PhaseWithSteps,
  type StepId,
  type StepStatus,
} from '@compagnon/model';

export interface StepPosition {
  phase: PhaseWithSteps;
  index: number;
}

export class PathwayState {
  phases: PhaseWithSteps[] = $state.raw([]);
  meta: Meta | null = $state.raw(null);

  readonly #doc: Doc;
  readonly #unobserve: () => void;
  readonly #onUpdate = (): void => this.#readMeta();

  constructor(doc: Doc) {
    this.#doc = doc;
    this.phases = readPathway(doc);
    this.meta = readMeta(doc);
    this.#unobserve = observePathway(doc, () => {
      this.phases = readPathway(doc);
    });
    doc.on('update', this.#onUpdate);
  }

  #readMeta(): void {
    const meta = readMeta(this.#doc);
    const old = this.meta;
    if (
      old?.title !== meta?.title ||
      old?.kind !== meta?.kind ||
      old?.hoursBudget !== meta?.hoursBudget ||
      old?.schemaVersion !== meta?.schemaVersion
    )
      this.meta = meta;
  }

  positionOf(stepId: StepId): StepPosition | null {
    for (const phase of this.phases) {
      const index = phase.steps.findIndex((s) => s.id === stepId);
      if (index >= 0) return { phase, index };
    }
    return null;
  }

  add(phaseId: PhaseId, title: string): StepId {
    return addStep(this.#doc, { phaseId, title });
  }

  rename(stepId: StepId, title: string): void {
    renameStep(this.#doc, stepId, title);
  }

  setStatus(stepId: StepId, status: StepStatus): void {
    setStepStatus(this.#doc, stepId, status);
  }

  /** Moves a step one place up (-1) or down (+1) within its phase. */
  shift(stepId: StepId, delta: -1 | 1): void {
    const pos = this.positionOf(stepId);
    if (!pos) return;
    const index = pos.index + delta;
    if (index < 0 || index >= pos.phase.steps.length) return;
    // moveStep counts the index among the other steps of the phase, so the target is simply index.
    moveStep(this.#doc, stepId, { phaseId: pos.phase.id, index });
  }

  /** Moves a step to the end of another phase. */
  moveToPhase(stepId: StepId, phaseId: PhaseId): void {
    const target = this.phases.find((p) => p.id === phaseId);
    if (!target) return;
    moveStep(this.#doc, stepId, { phaseId, index: target.steps.filter((s) => s.id !== stepId).length });
  }

  remove(stepId: StepId): void {
    removeStep(this.#doc, stepId);
  }

  destroy(): void {
    this.#unobserve();
    this.#doc.off('update', this.#onUpdate);
  }
}
