import { generateKeyBetween } from 'fractional-indexing';
import * as Y from 'yjs';
import { newId, type PhaseId, type StepId } from '../ids/ids.ts';
import type { AccompanimentKind } from '../meta/meta.ts';
import { ROOT } from '../schema/keys.ts';

export const STEP_STATUSES = ['todo', 'in_progress', 'done', 'skipped'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export interface Phase {
  id: PhaseId;
  title: string;
  order: string;
}

/** What a step asks of the learner before they may mark it done ("no blind validation"). */
export const EXPECTATION_KINDS = ['none', 'reflection', 'answer', 'document'] as const;
export type ExpectationKind = (typeof EXPECTATION_KINDS)[number];

export interface Expectation {
  kind: ExpectationKind;
  /** The instruction or question shown to the learner. */
  prompt: string;
}

/** Where a step was copied from; templates and library items are copied, never linked. */
export interface StepOrigin {
  type: 'template' | 'library';
  id: string;
  title: string;
}

export const RESOURCE_KINDS = ['text', 'link', 'video', 'document'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/** A resource attached to a step (a copy of a library item). */
export interface StepResource {
  kind: ResourceKind;
  title: string;
  body?: string;
  url?: string;
  fileId?: string;
  fileName?: string;
}

export interface Attachment {
  fileId: string;
  name: string;
  size: number;
  type: string;
}

export interface Step {
  id: StepId;
  title: string;
  phaseId: PhaseId;
  status: StepStatus;
  /** Fractional index: a move rewrites one key of one step, so concurrent moves never duplicate a step. */
  order: string;
  /** Set on sub-steps (a step split in smaller ones); sub-steps live in the same phase as their parent. */
  parentId: StepId | null;
  expected: Expectation;
  /** The learner's written contribution (reflection or answer). */
  contribution: string;
  /** Documents the learner brought for this step. */
  attachments: Attachment[];
  origin: StepOrigin | null;
  resource: StepResource | null;
  /** When the step was last pulled forward (ms since epoch), to show it first in the learner's space. */
  pulledForwardAt: number | null;
}

export interface PhaseWithSteps extends Phase {
  steps: Step[];
}

export const STEP_TITLE_MAX = 300;

export function isStepStatus(value: unknown): value is StepStatus {
  return typeof value === 'string' && (STEP_STATUSES as readonly string[]).includes(value);
}

/** Phases a new accompaniment starts with; a bilan has the three legal phases (Code du travail R6313-4). */
export function defaultPhases(kind: AccompanimentKind): string[] {
  return kind === 'bilan'
    ? ['Phase préliminaire', "Phase d'investigation", 'Phase de conclusion']
    : ['Parcours'];
}

type Record = Y.Map<unknown>;

const phasesMap = (doc: Y.Doc): Y.Map<Record> => doc.getMap(ROOT.phases);
const stepsMap = (doc: Y.Doc): Y.Map<Record> => doc.getMap(ROOT.steps);

function byOrder<T extends { order: string; id: string }>(a: T, b: T): number {
  // Two peers inserting at the same place concurrently can pick the same key: the id breaks the tie
  // identically everywhere.
  if (a.order !== b.order) return a.order < b.order ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function readPhase(id: string, rec: Record): Phase | null {
  const title = rec.get('title');
  const order = rec.get('order');
  if (typeof title !== 'string' || typeof order !== 'string') return null;
  return { id: id as PhaseId, title, order };
}

export function isResourceKind(value: unknown): value is ResourceKind {
  return typeof value === 'string' && (RESOURCE_KINDS as readonly string[]).includes(value);
}

export function isExpectationKind(value: unknown): value is ExpectationKind {
  return typeof value === 'string' && (EXPECTATION_KINDS as readonly string[]).includes(value);
}

function readExpectation(rec: Record): Expectation {
  const kind = rec.get('expectedKind');
  const prompt = rec.get('expectedPrompt');
  return { kind: isExpectationKind(kind) ? kind : 'none', prompt: typeof prompt === 'string' ? prompt : '' };
}

function readObject<T>(value: unknown): T | null {
  return value !== null && typeof value === 'object' && !(value instanceof Y.AbstractType)
    ? (value as T)
    : null;
}

function readAttachments(rec: Record): Attachment[] {
  const arr = rec.get('attachments');
  if (!(arr instanceof Y.Array)) return [];
  return (arr.toArray() as unknown[]).filter(
    (a): a is Attachment =>
      readObject<Attachment>(a) !== null && typeof (a as Attachment).fileId === 'string',
  );
}

function readStep(id: string, rec: Record): Step | null {
  const title = rec.get('title');
  const order = rec.get('order');
  const phaseId = rec.get('phaseId');
  const status = rec.get('status');
  if (typeof order !== 'string' || typeof phaseId !== 'string') return null;
  const parentId = rec.get('parentId');
  const contribution = rec.get('contribution');
  const pulled = rec.get('pulledForwardAt');
  return {
    id: id as StepId,
    // With updates applied out of order, a rename's deletion of the old title can land before the new
    // title: the step stays listed (untitled for a moment) rather than vanishing from the pathway.
    title: typeof title === 'string' ? title : '',
    order,
    phaseId: phaseId as PhaseId,
    status: isStepStatus(status) ? status : 'todo',
    parentId: typeof parentId === 'string' ? (parentId as StepId) : null,
    expected: readExpectation(rec),
    contribution: contribution instanceof Y.Text ? contribution.toString() : '',
    attachments: readAttachments(rec),
    origin: readObject<StepOrigin>(rec.get('origin')),
    resource: readObject<StepResource>(rec.get('resource')),
    pulledForwardAt: typeof pulled === 'number' ? pulled : null,
  };
}

export function listPhases(doc: Y.Doc): Phase[] {
  const out: Phase[] = [];
  phasesMap(doc).forEach((rec, id) => {
    const p = readPhase(id, rec);
    if (p) out.push(p);
  });
  return out.sort(byOrder);
}

export function listSteps(doc: Y.Doc): Step[] {
  const out: Step[] = [];
  stepsMap(doc).forEach((rec, id) => {
    const s = readStep(id, rec);
    if (s) out.push(s);
  });
  return out.sort(byOrder);
}

export function getStep(doc: Y.Doc, stepId: StepId): Step | null {
  const rec = stepsMap(doc).get(stepId);
  return rec ? readStep(stepId, rec) : null;
}

/** The pathway as the UI shows it: phases in order, each with its steps in order. */
export function readPathway(doc: Y.Doc): PhaseWithSteps[] {
  const phases = listPhases(doc);
  const steps = listSteps(doc);
  const known = new Set<string>(phases.map((p) => p.id));
  return phases.map((phase, i) => ({
    ...phase,
    // A step whose phase is unknown (not yet synced) shows in the first phase rather than vanishing.
    steps: steps.filter((s) => s.phaseId === phase.id || (i === 0 && !known.has(s.phaseId))),
  }));
}

/** A key strictly between the neighbours around `index` in `sorted`; tied neighbours are skipped. */
function keyAt(sorted: { order: string }[], index: number): string {
  const before = index > 0 ? sorted[index - 1]!.order : null;
  let j = index;
  while (before !== null && j < sorted.length && sorted[j]!.order <= before) j++;
  const after = j < sorted.length ? sorted[j]!.order : null;
  return generateKeyBetween(before, after);
}

export function cleanTitle(title: string, max: number): string {
  const t = title.replace(/\s+/g, ' ').trim().slice(0, max);
  if (!t) throw new Error('Le titre ne peut pas être vide.');
  return t;
}

export function addPhase(doc: Y.Doc, title: string, id: PhaseId = newId<'PhaseId'>()): PhaseId {
  const phases = listPhases(doc);
  const rec = new Y.Map<unknown>();
  rec.set('title', cleanTitle(title, STEP_TITLE_MAX));
  rec.set('order', keyAt(phases, phases.length));
  phasesMap(doc).set(id, rec);
  return id;
}

export function renamePhase(doc: Y.Doc, phaseId: PhaseId, title: string): void {
  phasesMap(doc).get(phaseId)?.set('title', cleanTitle(title, STEP_TITLE_MAX));
}

export interface AddStepInput {
  phaseId: PhaseId;
  title: string;
  /** Position among the phase's steps; defaults to the end. */
  index?: number;
  status?: StepStatus;
  parentId?: StepId;
  expected?: Expectation;
  origin?: StepOrigin;
  resource?: StepResource;
}

export const PROMPT_MAX = 2000;

export function addStep(doc: Y.Doc, input: AddStepInput, id: StepId = newId<'StepId'>()): StepId {
  const title = cleanTitle(input.title, STEP_TITLE_MAX);
  const siblings = listSteps(doc).filter((s) => s.phaseId === input.phaseId);
  const index = clampIndex(input.index ?? siblings.length, siblings.length);
  doc.transact(() => {
    const rec = new Y.Map<unknown>();
    rec.set('title', title);
    rec.set('phaseId', input.phaseId);
    rec.set('status', input.status ?? 'todo');
    rec.set('order', keyAt(siblings, index));
    rec.set('contribution', new Y.Text());
    rec.set('attachments', new Y.Array<Attachment>());
    if (input.parentId) rec.set('parentId', input.parentId);
    if (input.expected && input.expected.kind !== 'none') {
      rec.set('expectedKind', input.expected.kind);
      rec.set('expectedPrompt', input.expected.prompt.slice(0, PROMPT_MAX));
    }
    if (input.origin) rec.set('origin', { ...input.origin });
    if (input.resource) rec.set('resource', { ...input.resource });
    stepsMap(doc).set(id, rec);
  });
  return id;
}

/** Sets what a step expects of the learner (coach side). */
export function setExpectation(doc: Y.Doc, stepId: StepId, expected: Expectation): void {
  const rec = stepsMap(doc).get(stepId);
  if (!rec) throw new StepNotFoundError(stepId);
  if (!isExpectationKind(expected.kind)) throw new Error(`Attendu inconnu : ${String(expected.kind)}`);
  doc.transact(() => {
    rec.set('expectedKind', expected.kind);
    rec.set('expectedPrompt', expected.prompt.slice(0, PROMPT_MAX));
  });
}

export class StepNotFoundError extends Error {
  constructor(stepId: string) {
    super(`Étape introuvable : ${stepId}`);
    this.name = 'StepNotFoundError';
  }
}

export function renameStep(doc: Y.Doc, stepId: StepId, title: string): void {
  stepsMap(doc).get(stepId)?.set('title', cleanTitle(title, STEP_TITLE_MAX));
}

/** Plain status change without rules; `completeStep` in adaptation/ applies the "no blind validation" rule. */
export function setStepStatus(doc: Y.Doc, stepId: StepId, status: StepStatus): void {
  if (!isStepStatus(status)) throw new Error(`Statut inconnu : ${String(status)}`);
  stepsMap(doc).get(stepId)?.set('status', status);
}

export function clampIndex(index: number, length: number): number {
  return Math.max(0, Math.min(length, Math.trunc(index)));
}

/** Moves a step to `index` among the steps of `phaseId` (counted without the moved step itself). */
export function moveStep(doc: Y.Doc, stepId: StepId, target: { phaseId: PhaseId; index: number }): void {
  const rec = stepsMap(doc).get(stepId);
  if (!rec) return;
  if (!phasesMap(doc).has(target.phaseId)) throw new Error(`Phase introuvable : ${target.phaseId}`);
  const siblings = listSteps(doc).filter((s) => s.phaseId === target.phaseId && s.id !== stepId);
  const order = keyAt(siblings, clampIndex(target.index, siblings.length));
  doc.transact(() => {
    rec.set('phaseId', target.phaseId);
    rec.set('order', order);
    // Sub-steps follow their parent into its new phase (they keep their order among themselves).
    stepsMap(doc).forEach((child) => {
      if (child.get('parentId') === stepId && child.get('phaseId') !== target.phaseId)
        child.set('phaseId', target.phaseId);
    });
  });
}

export function removeStep(doc: Y.Doc, stepId: StepId): void {
  doc.transact(() => {
    // Sub-steps go with their parent.
    stepsMap(doc).forEach((rec, id) => {
      if (rec.get('parentId') === stepId) stepsMap(doc).delete(id);
    });
    stepsMap(doc).delete(stepId);
  });
}

export interface PhaseProgress {
  phaseId: PhaseId;
  title: string;
  total: number;
  done: number;
}

export interface Progress {
  /** Steps that count: skipped steps are neither done nor still to do. */
  stepsTotal: number;
  stepsDone: number;
  byPhase: PhaseProgress[];
}

export function pathwayProgress(doc: Y.Doc): Progress {
  const byPhase = readPathway(doc).map((phase) => {
    const counted = phase.steps.filter((s) => s.status !== 'skipped');
    return {
      phaseId: phase.id,
      title: phase.title,
      total: counted.length,
      done: counted.filter((s) => s.status === 'done').length,
    };
  });
  return {
    stepsTotal: byPhase.reduce((n, p) => n + p.total, 0),
    stepsDone: byPhase.reduce((n, p) => n + p.done, 0),
    byPhase,
  };
}

/** Calls `onChange` after every change to the pathway (local or remote); returns the unsubscribe. */
export function observePathway(doc: Y.Doc, onChange: () => void): () => void {
  const phases = phasesMap(doc);
  const steps = stepsMap(doc);
  const handler = (): void => onChange();
  phases.observeDeep(handler);
  steps.observeDeep(handler);
  return () => {
    phases.unobserveDeep(handler);
    steps.unobserveDeep(handler);
  };
}
