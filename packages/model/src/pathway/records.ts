import * as Y from 'yjs';
import type { StepId } from '../ids/ids.ts';
import { ROOT } from '../schema/keys.ts';

/** The raw record of a step, for the other modules of this package; deliberately not exported by the index. */
export function stepRecord(doc: Y.Doc, stepId: StepId): Y.Map<unknown> | undefined {
  return doc.getMap<Y.Map<unknown>>(ROOT.steps).get(stepId);
}
