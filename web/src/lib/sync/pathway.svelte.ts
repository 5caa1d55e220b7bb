// The pathway of a shared document as reactive state. Reads go through the model on every change (local or
// remote); writes call the model's functions, whose effect comes back through the observer. Changes that
// reshape the pathway go through the traced adaptation functions, with the signed-in person as the actor.
import {
  addAttachment,
  addStepTraced,
  changeStepStatus,
  currentPhaseId,
  listAdaptations,
  moveStepTraced,
  observeAdaptations,
  observePathway,
  pathwayProgress,
  postpone,
  pullForward,
  readMeta,
  readPathway,
  removeStepTraced,
  renameStep,
  setContribution,
  setExpectation,
  skipStep,
  splitStep,
  type Actor,
  type Adaptation,
  type AddStepInput,
  type Attachment,
  type Doc,
  type Expectation,
  type Meta,
  type PhaseId,
  type PhaseWithSteps,
  type Progress,
  type Step,
  type StepId,
  type StepStatus,
} from '@compagnon/model';
import { buildTree, type PathwayTree } from './pathway-tree.ts';

export interface StepPosition {
  phase: PhaseWithSteps;
  /** Position among the step's siblings (top-level steps of the phase, or the sub-steps of its parent). */
  index: number;
  siblings: Step[];
}

export type ReasonedAdaptation = 'pulled-forward' | 'postponed' | 'skipped';

export class PathwayState {
  phases: PhaseWithSteps[] = $state.raw([]);
  meta: Meta | null = $state.raw(null);
  /** The adaptation log, newest first. */
  adaptations: Adaptation[] = $state.raw([]);
  progress: Progress = $state.raw({ stepsTotal: 0, stepsDone: 0, byPhase: [] });
  currentPhaseId: PhaseId | null = $state(null);
  /** Steps arranged for display: top-level steps per phase, sub-steps under their parent. */
  readonly tree: PathwayTree = $derived(buildTree(this.phases));

  readonly #doc: Doc;
  readonly #actor: () => Actor;
  readonly #cleanups: (() => void)[] = [];
  readonly #onUpdate = (): void => this.#readMeta();

  constructor(doc: Doc, actor: () => Actor) {
    this.#doc = doc;
    this.#actor = actor;
    this.#readPathway();
    this.adaptations = listAdaptations(doc);
    this.meta = readMeta(doc);
    this.#cleanups.push(observePathway(doc, () => this.#readPathway()));
    this.#cleanups.push(observeAdaptations(doc, () => (this.adaptations = listAdaptations(doc))));
    doc.on('update', this.#onUpdate);
    this.#cleanups.push(() => doc.off('update', this.#onUpdate));
  }

  #readPathway(): void {
    this.phases = readPathway(this.#doc);
    this.progress = pathwayProgress(this.#doc);
    this.currentPhaseId = currentPhaseId(this.#doc);
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

  get actor(): Actor {
    return this.#actor();
  }

  step(stepId: StepId): Step | null {
    return this.tree.byId.get(stepId) ?? null;
  }

  positionOf(stepId: StepId): StepPosition | null {
    const step = this.tree.byId.get(stepId);
    if (!step) return null;
    const parent = step.parentId ? this.tree.byId.get(step.parentId) : undefined;
    const phaseId = parent ? parent.phaseId : step.phaseId;
    const phase = this.phases.find((p) => p.id === phaseId) ?? this.phases.find((p) => p.id === step.phaseId);
    if (!phase) return null;
    const siblings = parent
      ? (this.tree.children.get(parent.id) ?? [])
      : (this.tree.topLevel.get(phase.id) ?? []);
    return { phase, index: siblings.findIndex((s) => s.id === stepId), siblings };
  }

  /** The reason given when the step was last pulled forward. */
  pulledForwardReason(stepId: StepId): string | null {
    return this.adaptations.find((a) => a.stepId === stepId && a.kind === 'pulled-forward')?.reason ?? null;
  }

  add(phaseId: PhaseId, title: string): StepId {
    return addStepTraced(this.#doc, { phaseId, title }, this.actor);
  }

  addWith(input: AddStepInput): StepId {
    return addStepTraced(this.#doc, input, this.actor);
  }

  rename(stepId: StepId, title: string): void {
    renameStep(this.#doc, stepId, title);
  }

  /** Applies the pathway's rules: throws an AdaptationError (French message) when refused. */
  setStatus(stepId: StepId, status: StepStatus): void {
    changeStepStatus(this.#doc, stepId, status, this.actor);
  }

  /** Moves a step one place up (-1) or down (+1) among its siblings, traced. */
  shift(stepId: StepId, delta: -1 | 1): void {
    const pos = this.positionOf(stepId);
    const step = this.tree.byId.get(stepId);
    if (!pos || !step) return;
    const neighbour = pos.siblings[pos.index + delta];
    if (!neighbour) return;
    // moveStep counts positions among all the steps of the phase but the moved one, sub-steps included.
    const others = this.phases
      .find((p) => p.id === step.phaseId)
      ?.steps.filter((s) => s.id !== stepId && s.phaseId === step.phaseId);
    const at = others?.findIndex((s) => s.id === neighbour.id) ?? -1;
    if (at < 0) return;
    moveStepTraced(this.#doc, stepId, { phaseId: step.phaseId, index: delta < 0 ? at : at + 1 }, this.actor);
  }

  /** Moves a step to the end of another phase, traced. */
  moveToPhase(stepId: StepId, phaseId: PhaseId): void {
    const target = this.phases.find((p) => p.id === phaseId);
    if (!target) return;
    const index = target.steps.filter((s) => s.id !== stepId && s.phaseId === phaseId).length;
    moveStepTraced(this.#doc, stepId, { phaseId, index }, this.actor);
  }

  remove(stepId: StepId): void {
    removeStepTraced(this.#doc, stepId, this.actor);
  }

  adapt(kind: ReasonedAdaptation, stepId: StepId, reason: string): void {
    const opts = { reason };
    if (kind === 'pulled-forward') pullForward(this.#doc, stepId, this.actor, opts);
    else if (kind === 'postponed') postpone(this.#doc, stepId, this.actor, opts);
    else skipStep(this.#doc, stepId, this.actor, opts);
  }

  split(stepId: StepId, titles: string[], reason: string): StepId[] {
    return splitStep(this.#doc, stepId, titles, this.actor, { reason });
  }

  setExpectation(stepId: StepId, expected: Expectation): void {
    setExpectation(this.#doc, stepId, expected);
  }

  setContribution(stepId: StepId, value: string): void {
    setContribution(this.#doc, stepId, value);
  }

  addAttachment(stepId: StepId, attachment: Attachment): void {
    addAttachment(this.#doc, stepId, attachment);
  }

  destroy(): void {
    for (const cleanup of this.#cleanups) cleanup();
  }
}
