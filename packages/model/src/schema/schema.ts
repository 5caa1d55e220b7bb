import * as Y from 'yjs';
import type { AccompanimentId } from '../ids/ids.ts';
import { HOURS_MAX, TITLE_MAX, isAccompanimentKind, readMeta, writeMeta, type Meta } from '../meta/meta.ts';
import { addPhase, addStep, isStepStatus, listPhases } from '../pathway/pathway.ts';
import { parseExerciseDefinition } from '../exercises/exercises.ts';
import { pathwayTemplate, type TemplateId } from '../templates/templates.ts';
import { ROOT, SCHEMA_VERSION } from './keys.ts';

export type DocRole = 'shared' | 'private';

/** Names of the two documents of an accompaniment, as synced over `/sync/:docName`. */
export function docNames(id: AccompanimentId): { shared: string; private: string } {
  return { shared: `${id}.shared`, private: `${id}.private` };
}

const DOC_NAME = /^([0-9a-f-]{36})\.(shared|private)$/;

export function parseDocName(name: string): { accompanimentId: AccompanimentId; role: DocRole } | null {
  const m = DOC_NAME.exec(name);
  return m ? { accompanimentId: m[1] as AccompanimentId, role: m[2] as DocRole } : null;
}

/**
 * Writes the initial state of a new accompaniment's shared document (done once, by the server): meta and
 * the pathway copied from a template (default: the kind's phases, no steps).
 */
export function initSharedDoc(
  doc: Y.Doc,
  meta: Omit<Meta, 'schemaVersion'>,
  template: TemplateId = 'blank',
): void {
  const tpl = pathwayTemplate(template, meta.kind);
  doc.transact(() => {
    writeMeta(doc, meta);
    if (listPhases(doc).length > 0) return;
    for (const phase of tpl.phases) {
      const phaseId = addPhase(doc, phase.title);
      for (const step of phase.steps)
        addStep(doc, {
          phaseId,
          title: step.title,
          ...(step.expected ? { expected: step.expected } : {}),
          origin: { type: 'template', id: tpl.id, title: tpl.title },
        });
    }
  });
}

/** Brings a document written by an older schema forward; idempotent and safe to run on every peer. */
export function migrateDoc(doc: Y.Doc): void {
  const meta = doc.getMap<unknown>(ROOT.meta);
  const version = meta.get('schemaVersion');
  if (typeof version === 'number' && version >= SCHEMA_VERSION) return;
  // Version 1 is the first schema: nothing to migrate yet, only the marker to set when meta exists.
  if (readMeta(doc)) meta.set('schemaVersion', SCHEMA_VERSION);
}

export interface ValidationIssue {
  path: string;
  message: string;
}

/** Checks the structure of a shared document; an empty list means valid. */
export function validateDoc(doc: Y.Doc): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const meta = doc.getMap<unknown>(ROOT.meta);
  if (meta.size > 0) {
    const title = meta.get('title');
    if (typeof title !== 'string' || title.length > TITLE_MAX)
      issues.push({ path: 'meta.title', message: 'titre invalide' });
    if (!isAccompanimentKind(meta.get('kind'))) issues.push({ path: 'meta.kind', message: 'type inconnu' });
    const hours = meta.get('hoursBudget');
    if (typeof hours !== 'number' || !(hours >= 0 && hours <= HOURS_MAX))
      issues.push({ path: 'meta.hoursBudget', message: 'heures invalides' });
  }
  doc.getMap<unknown>(ROOT.phases).forEach((rec, id) => {
    if (!(rec instanceof Y.Map)) return issues.push({ path: `phases.${id}`, message: 'pas une table' });
    if (typeof rec.get('title') !== 'string')
      issues.push({ path: `phases.${id}.title`, message: 'titre manquant' });
    if (typeof rec.get('order') !== 'string')
      issues.push({ path: `phases.${id}.order`, message: 'ordre manquant' });
  });
  const phaseIds = new Set(listPhases(doc).map((p) => p.id as string));
  doc.getMap<unknown>(ROOT.steps).forEach((rec, id) => {
    if (!(rec instanceof Y.Map)) return issues.push({ path: `steps.${id}`, message: 'pas une table' });
    if (typeof rec.get('title') !== 'string')
      issues.push({ path: `steps.${id}.title`, message: 'titre manquant' });
    if (typeof rec.get('order') !== 'string')
      issues.push({ path: `steps.${id}.order`, message: 'ordre manquant' });
    if (!isStepStatus(rec.get('status')))
      issues.push({ path: `steps.${id}.status`, message: 'statut inconnu' });
    const phaseId = rec.get('phaseId');
    if (typeof phaseId !== 'string' || (phaseIds.size > 0 && !phaseIds.has(phaseId)))
      issues.push({ path: `steps.${id}.phaseId`, message: 'phase inconnue' });
  });
  // Exercises, lightly: the record's shape and a definition that still parses (a step may be gone: removed
  // concurrently: the exercise then shows under no step).
  doc.getMap<unknown>(ROOT.exercises).forEach((rec, id) => {
    if (!(rec instanceof Y.Map)) return issues.push({ path: `exercises.${id}`, message: 'pas une table' });
    if (typeof rec.get('stepId') !== 'string')
      issues.push({ path: `exercises.${id}.stepId`, message: 'étape manquante' });
    if (!parseExerciseDefinition(rec.get('definition')).ok)
      issues.push({ path: `exercises.${id}.definition`, message: 'définition invalide' });
    const status = rec.get('status');
    if (status !== 'in_progress' && status !== 'submitted')
      issues.push({ path: `exercises.${id}.status`, message: 'statut inconnu' });
    if (!(rec.get('answers') instanceof Y.Map))
      issues.push({ path: `exercises.${id}.answers`, message: 'réponses manquantes' });
    for (const key of ['comments', 'history'])
      if (!(rec.get(key) instanceof Y.Array))
        issues.push({ path: `exercises.${id}.${key}`, message: 'journal manquant' });
  });
  return issues;
}
