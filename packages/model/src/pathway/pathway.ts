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

export interface Step {
  id: StepId;
  title: string;
  phaseId: PhaseId;
  status: StepStatus;
  /** Fractional index: a move rewrites one key of one step, so concurrent moves never duplicate a step. */
  order: string;
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

function readStep(id: string, rec: Record): Step | null {
  const title = rec.get('title');
  const order = rec.get('order');
  const phaseId = rec.get('phaseId');
  const status = rec.get('status');
  if (typeof title !== 'string' || typeof order !== 'string' || typeof phaseId !== 'string') return null;
  return {
    id: id as StepId,
    title,
    order,
    phaseId: phaseId as PhaseId,
    status: isStepStatus(status) ? status : 'todo',
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

function cleanTitle(title: string, max: number): string {
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
}

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
    stepsMap(doc).set(id, rec);
  });
  return id;
}

export function renameStep(doc: Y.Doc, stepId: StepId, title: string): void {
  stepsMap(doc).get(stepId)?.set('title', cleanTitle(title, STEP_TITLE_MAX));
}

export function setStepStatus(doc: Y.Doc, stepId: StepId, status: StepStatus): void {
  if (!isStepStatus(status)) throw new Error(`Statut inconnu : ${String(status)}`);
  stepsMap(doc).get(stepId)?.set('status', status);
}

function clampIndex(index: number, length: number): number {
  return Math.max(0, Math.min(length, Math.trunc(index)));
}

/** Moves a step to `index` among the steps of `phaseId` (counted without the moved step itself). */
export function moveStep(doc: Y.Doc, stepId: StepId, target: { phaseId: PhaseId; index: number }): void {
  const rec = stepsMap(doc).get(stepId);
  if (!rec) return;
  const siblings = listSteps(doc).filter((s) => s.phaseId === target.phaseId && s.id !== stepId);
  const order = keyAt(siblings, clampIndex(target.index, siblings.length));
  doc.transact(() => {
    rec.set('phaseId', target.phaseId);
    rec.set('order', order);
  });
}

export function removeStep(doc: Y.Doc, stepId: StepId): void {
  stepsMap(doc).delete(stepId);
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
