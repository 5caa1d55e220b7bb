import * as Y from 'yjs';
import { newId, type PhaseId, type StepId, type UserId } from '../ids/ids.ts';
import {
  StepNotFoundError,
  addStep,
  getStep,
  listPhases,
  listSteps,
  moveStep,
  removeStep,
  setStepStatus,
  type AddStepInput,
  type Attachment,
  type Step,
  type StepStatus,
} from '../pathway/pathway.ts';
import { stepRecord } from '../pathway/records.ts';
import { ROOT } from '../schema/keys.ts';

/**
 * Adaptations of a pathway (Qualiopi indicator 10: the adaptation is traced). Each function changes the
 * pathway AND appends an entry to the document's adaptation log in one transaction, so the trace travels
 * with the change — offline too — and the server copies it to its own timeline with the authenticated author.
 */
export const ADAPTATION_KINDS = [
  'pulled-forward',
  'postponed',
  'skipped',
  'added',
  'moved',
  'split',
  'removed',
  'reopened',
] as const;
export type AdaptationKind = (typeof ADAPTATION_KINDS)[number];

export type Role = 'coach' | 'learner';

export interface Actor {
  id: UserId;
  name: string;
  role: Role;
}

export interface Adaptation {
  id: string;
  /** Device time of the change (ms since epoch); the server records its own receipt time beside it. */
  at: number;
  by: Actor;
  kind: AdaptationKind;
  stepId: StepId;
  stepTitle: string;
  reason: string | null;
  fromPhaseId?: PhaseId;
  toPhaseId?: PhaseId;
}

export const REASON_MAX = 1000;

/** A rule of the pathway refused the change; the message is meant for the user, in French. */
export class AdaptationError extends Error {
  readonly code: 'forbidden' | 'reason-required' | 'expectation-unmet' | 'invalid';
  constructor(code: AdaptationError['code'], message: string) {
    super(message);
    this.name = 'AdaptationError';
    this.code = code;
  }
}

/** Reasons are mandatory for these kinds: an auditor asks why the planned pathway changed. */
const REASON_REQUIRED: ReadonlySet<AdaptationKind> = new Set(['pulled-forward', 'postponed', 'skipped']);
/** Only the coach reshapes the pathway; the learner adds and completes steps. */
const COACH_ONLY: ReadonlySet<AdaptationKind> = new Set([
  'pulled-forward',
  'postponed',
  'skipped',
  'split',
  'moved',
  'removed',
]);

export function isAdaptationKind(value: unknown): value is AdaptationKind {
  return typeof value === 'string' && (ADAPTATION_KINDS as readonly string[]).includes(value);
}

const logArray = (doc: Y.Doc): Y.Array<Adaptation> => doc.getArray<Adaptation>(ROOT.adaptations);

function cleanReason(kind: AdaptationKind, reason: string | null | undefined): string | null {
  const r = (reason ?? '').replace(/\s+/g, ' ').trim().slice(0, REASON_MAX);
  if (!r && REASON_REQUIRED.has(kind))
    throw new AdaptationError('reason-required', 'Indiquez la raison de ce changement.');
  return r || null;
}

function authorize(kind: AdaptationKind, actor: Actor): void {
  if (actor.role !== 'coach' && COACH_ONLY.has(kind))
    throw new AdaptationError('forbidden', 'Seul·e l’accompagnant·e peut modifier ainsi le parcours.');
}

function requireStep(doc: Y.Doc, stepId: StepId): Step {
  const step = getStep(doc, stepId);
  if (!step) throw new StepNotFoundError(stepId);
  return step;
}

function record(doc: Y.Doc, entry: Omit<Adaptation, 'id'>): void {
  logArray(doc).push([{ id: newId(), ...entry }]);
}

/** The adaptation log, newest first. */
export function listAdaptations(doc: Y.Doc): Adaptation[] {
  // Entries of the same millisecond keep the log's order (the same on every peer once synced), newest first.
  return logArray(doc)
    .toArray()
    .map((entry, index) => ({ entry, index }))
    .filter(({ entry: a }) => a !== null && typeof a === 'object' && isAdaptationKind(a.kind))
    .sort((a, b) => b.entry.at - a.entry.at || b.index - a.index)
    .map(({ entry }) => entry);
}

/** Calls `onChange` whenever an adaptation is recorded (locally or by a peer). */
export function observeAdaptations(doc: Y.Doc, onChange: () => void): () => void {
  const arr = logArray(doc);
  const handler = (): void => onChange();
  arr.observe(handler);
  return () => arr.unobserve(handler);
}

/** The phase the accompaniment is in: the first phase that still has an open step (else the last phase). */
export function currentPhaseId(doc: Y.Doc): PhaseId | null {
  const phases = listPhases(doc);
  const steps = listSteps(doc);
  for (const phase of phases)
    if (steps.some((s) => s.phaseId === phase.id && s.status !== 'done' && s.status !== 'skipped'))
      return phase.id;
  return phases.at(-1)?.id ?? null;
}

interface Options {
  reason?: string | null;
  now?: number;
}

/**
 * Brings a later step forward: it moves to the top of the current phase and shows first in the learner's
 * space ("entretien chez X le 3/12").
 */
export function pullForward(doc: Y.Doc, stepId: StepId, actor: Actor, opts: Options): void {
  authorize('pulled-forward', actor);
  const reason = cleanReason('pulled-forward', opts.reason);
  const step = requireStep(doc, stepId);
  const target = currentPhaseId(doc) ?? step.phaseId;
  const now = opts.now ?? Date.now();
  doc.transact(() => {
    moveStep(doc, stepId, { phaseId: target, index: 0 });
    stepRecord(doc, stepId)?.set('pulledForwardAt', now);
    if (step.status === 'todo') setStepStatus(doc, stepId, 'in_progress');
    record(doc, {
      at: now,
      by: actor,
      kind: 'pulled-forward',
      stepId,
      stepTitle: step.title,
      reason,
      fromPhaseId: step.phaseId,
      toPhaseId: target,
    });
  });
}

/** Puts a step off: to the start of the next phase, or to the end of the last one. */
export function postpone(doc: Y.Doc, stepId: StepId, actor: Actor, opts: Options): void {
  authorize('postponed', actor);
  const reason = cleanReason('postponed', opts.reason);
  const step = requireStep(doc, stepId);
  const phases = listPhases(doc);
  const i = phases.findIndex((p) => p.id === step.phaseId);
  const next = i >= 0 && i < phases.length - 1 ? phases[i + 1]! : null;
  const target = next?.id ?? step.phaseId;
  const index = next ? 0 : Number.MAX_SAFE_INTEGER;
  const now = opts.now ?? Date.now();
  doc.transact(() => {
    moveStep(doc, stepId, { phaseId: target, index });
    stepRecord(doc, stepId)?.delete('pulledForwardAt');
    if (step.status === 'in_progress') setStepStatus(doc, stepId, 'todo');
    record(doc, {
      at: now,
      by: actor,
      kind: 'postponed',
      stepId,
      stepTitle: step.title,
      reason,
      fromPhaseId: step.phaseId,
      toPhaseId: target,
    });
  });
}

/** Skips a step; the reason is required. */
export function skipStep(doc: Y.Doc, stepId: StepId, actor: Actor, opts: Options): void {
  authorize('skipped', actor);
  const reason = cleanReason('skipped', opts.reason);
  const step = requireStep(doc, stepId);
  const now = opts.now ?? Date.now();
  doc.transact(() => {
    setStepStatus(doc, stepId, 'skipped');
    record(doc, { at: now, by: actor, kind: 'skipped', stepId, stepTitle: step.title, reason });
  });
}

/** Adds a step anywhere, traced (the learner may add steps too). */
export function addStepTraced(doc: Y.Doc, input: AddStepInput, actor: Actor, opts: Options = {}): StepId {
  authorize('added', actor);
  const reason = cleanReason('added', opts.reason);
  const now = opts.now ?? Date.now();
  let id = '' as StepId;
  doc.transact(() => {
    id = addStep(doc, input);
    const step = requireStep(doc, id);
    record(doc, {
      at: now,
      by: actor,
      kind: 'added',
      stepId: id,
      stepTitle: step.title,
      reason,
      toPhaseId: input.phaseId,
    });
  });
  return id;
}

/** Moves a step (reorder within its phase or to another phase), traced. */
export function moveStepTraced(
  doc: Y.Doc,
  stepId: StepId,
  target: { phaseId: PhaseId; index: number },
  actor: Actor,
  opts: Options = {},
): void {
  authorize('moved', actor);
  const reason = cleanReason('moved', opts.reason);
  const step = requireStep(doc, stepId);
  const now = opts.now ?? Date.now();
  doc.transact(() => {
    moveStep(doc, stepId, target);
    record(doc, {
      at: now,
      by: actor,
      kind: 'moved',
      stepId,
      stepTitle: step.title,
      reason,
      fromPhaseId: step.phaseId,
      toPhaseId: target.phaseId,
    });
  });
}

/** Splits a step into sub-steps (in the same phase, listed under it). Returns the new sub-step ids. */
export function splitStep(
  doc: Y.Doc,
  stepId: StepId,
  titles: string[],
  actor: Actor,
  opts: Options = {},
): StepId[] {
  authorize('split', actor);
  const reason = cleanReason('split', opts.reason);
  const step = requireStep(doc, stepId);
  if (step.parentId) throw new AdaptationError('invalid', 'Une sous-étape ne se découpe pas à nouveau.');
  const clean = titles.map((t) => t.trim()).filter(Boolean);
  if (clean.length === 0) throw new AdaptationError('invalid', 'Donnez au moins une sous-étape.');
  const now = opts.now ?? Date.now();
  const ids: StepId[] = [];
  doc.transact(() => {
    for (const title of clean) ids.push(addStep(doc, { phaseId: step.phaseId, title, parentId: stepId }));
    record(doc, { at: now, by: actor, kind: 'split', stepId, stepTitle: step.title, reason });
  });
  return ids;
}

/** Removes a step (and its sub-steps), traced. */
export function removeStepTraced(doc: Y.Doc, stepId: StepId, actor: Actor, opts: Options = {}): void {
  authorize('removed', actor);
  const reason = cleanReason('removed', opts.reason);
  const step = requireStep(doc, stepId);
  const now = opts.now ?? Date.now();
  doc.transact(() => {
    removeStep(doc, stepId);
    record(doc, { at: now, by: actor, kind: 'removed', stepId, stepTitle: step.title, reason });
  });
}

/** Whether the learner's contribution satisfies what the step expects. */
export function expectationMet(step: Step): boolean {
  switch (step.expected.kind) {
    case 'none':
      return true;
    case 'reflection':
    case 'answer':
      return step.contribution.trim().length > 0;
    case 'document':
      return step.attachments.length > 0;
  }
}

/**
 * Changes a step's status under the pathway's rules: no blind validation — a learner cannot mark done a
 * step whose expected contribution is missing (the coach can close any step); a skip goes through
 * `skipStep` (reason required); reopening a skipped step is traced.
 */
export function changeStepStatus(
  doc: Y.Doc,
  stepId: StepId,
  status: StepStatus,
  actor: Actor,
  opts: Options = {},
): void {
  const step = requireStep(doc, stepId);
  if (status === 'skipped') return skipStep(doc, stepId, actor, opts);
  if (status === 'done' && actor.role === 'learner' && !expectationMet(step))
    throw new AdaptationError('expectation-unmet', expectationMessage(step));
  doc.transact(() => {
    setStepStatus(doc, stepId, status);
    if (step.status === 'skipped')
      record(doc, {
        at: opts.now ?? Date.now(),
        by: actor,
        kind: 'reopened',
        stepId,
        stepTitle: step.title,
        reason: cleanReason('reopened', opts.reason),
      });
  });
}

function expectationMessage(step: Step): string {
  switch (step.expected.kind) {
    case 'document':
      return 'Déposez d’abord le document attendu pour cette étape.';
    case 'answer':
      return 'Répondez d’abord à la question de cette étape.';
    default:
      return 'Écrivez d’abord ce que vous retenez de cette étape.';
  }
}

/** The learner's written contribution, as a collaborative text (both may edit it; the coach comments beside). */
export function contributionText(doc: Y.Doc, stepId: StepId): Y.Text {
  const rec = stepRecord(doc, stepId);
  if (!rec) throw new StepNotFoundError(stepId);
  let text = rec.get('contribution');
  if (!(text instanceof Y.Text)) {
    // Steps written before contributions existed get their text on first use.
    text = new Y.Text();
    rec.set('contribution', text);
  }
  return text as Y.Text;
}

/** Replaces the learner's contribution with `value` (for plain textareas; keeps unchanged parts). */
export function setContribution(doc: Y.Doc, stepId: StepId, value: string): void {
  const text = contributionText(doc, stepId);
  const current = text.toString();
  if (current === value) return;
  let start = 0;
  while (start < current.length && start < value.length && current[start] === value[start]) start++;
  let endCur = current.length;
  let endNew = value.length;
  while (endCur > start && endNew > start && current[endCur - 1] === value[endNew - 1]) {
    endCur--;
    endNew--;
  }
  doc.transact(() => {
    if (endCur > start) text.delete(start, endCur - start);
    if (endNew > start) text.insert(start, value.slice(start, endNew));
  });
}

export function addAttachment(doc: Y.Doc, stepId: StepId, attachment: Attachment): void {
  const rec = stepRecord(doc, stepId);
  if (!rec) throw new StepNotFoundError(stepId);
  let arr = rec.get('attachments');
  doc.transact(() => {
    if (!(arr instanceof Y.Array)) {
      arr = new Y.Array<Attachment>();
      rec.set('attachments', arr);
    }
    (arr as Y.Array<Attachment>).push([{ ...attachment }]);
  });
}
