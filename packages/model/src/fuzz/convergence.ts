import * as Y from 'yjs';
import { renameAccompaniment, readMeta } from '../meta/meta.ts';
import { appendNoteParagraph, notesText, sharedNotes } from '../notes/notes.ts';
import { SYNTHESIS_SECTIONS, synthesisSection, synthesisText } from '../synthesis/synthesis.ts';
import {
  STEP_STATUSES,
  addPhase,
  addStep,
  listPhases,
  listSteps,
  moveStep,
  readPathway,
  removeStep,
  renamePhase,
  renameStep,
  setStepStatus,
} from '../pathway/pathway.ts';
import { initSharedDoc, validateDoc } from '../schema/schema.ts';
import type { UserId } from '../ids/ids.ts';
import {
  AdaptationError,
  addAttachment,
  addStepTraced,
  changeStepStatus,
  listAdaptations,
  moveStepTraced,
  postpone,
  pullForward,
  removeStepTraced,
  setContribution,
  skipStep,
  splitStep,
  type Actor,
} from '../adaptation/adaptation.ts';
import { listMessages, postMessage } from '../messages/messages.ts';
import { createRng, type Rng } from './rng.ts';

interface Peer {
  doc: Y.Doc;
  online: boolean;
  /** Updates this peer produced, waiting to reach each other peer (index = receiver). */
  outbox: Uint8Array[][];
}

export interface FuzzOptions {
  peers?: number;
  steps?: number;
}

const words = ['Entretien', 'Analyse', 'Tests', 'Enquête métier', 'Synthèse', 'Projet', 'Réseau', 'CV'];

const actors: Actor[] = [
  { id: 'coach' as UserId, name: 'Claire', role: 'coach' },
  { id: 'learner' as UserId, name: 'Léa', role: 'learner' },
];

/** Adaptations (issue: flexible pathways) — the same rules apply on every peer, offline included. */
function randomAdaptation(rng: Rng, doc: Y.Doc, added: Set<string>, removed: Set<string>): void {
  const phases = listPhases(doc);
  const steps = listSteps(doc);
  const actor = rng.pick(actors);
  const reason = rng.chance(0.9) ? `raison ${rng.int(100)}` : '';
  const roll = rng.int(100);
  try {
    if (roll < 20 || steps.length === 0) {
      const expected = rng.chance(0.3)
        ? { kind: rng.pick(['reflection', 'answer', 'document'] as const), prompt: 'Consigne' }
        : undefined;
      const id = addStepTraced(
        doc,
        {
          phaseId: rng.pick(phases).id,
          title: `${rng.pick(words)} ${rng.int(1000)}`,
          index: rng.int(steps.length + 1),
          ...(expected ? { expected } : {}),
        },
        actor,
        { reason },
      );
      added.add(id);
      return;
    }
    const step = rng.pick(steps);
    if (roll < 30) pullForward(doc, step.id, actor, { reason });
    else if (roll < 40) postpone(doc, step.id, actor, { reason });
    else if (roll < 47) skipStep(doc, step.id, actor, { reason });
    else if (roll < 55) {
      for (const id of splitStep(
        doc,
        step.id,
        [`Sous-étape ${rng.int(100)}`, `Sous-étape ${rng.int(100)}`],
        actor,
      ))
        added.add(id);
    } else if (roll < 65)
      moveStepTraced(doc, step.id, { phaseId: rng.pick(phases).id, index: rng.int(steps.length + 1) }, actor);
    else if (roll < 80) changeStepStatus(doc, step.id, rng.pick(STEP_STATUSES), actor, { reason });
    else if (roll < 92) setContribution(doc, step.id, `${step.contribution}${rng.pick(words)} `);
    else if (roll < 97)
      addAttachment(doc, step.id, {
        fileId: `f${rng.int(1000)}`,
        name: 'cv.pdf',
        size: 1000,
        type: 'application/pdf',
      });
    else {
      removeStepTraced(doc, step.id, actor, { reason });
      removed.add(step.id);
      // Its sub-steps go with it.
      for (const s of steps) if (s.parentId === step.id) removed.add(s.id);
    }
  } catch (error) {
    // A refused adaptation (role, missing reason, unmet expectation, sub-step split) changes nothing.
    if (!(error instanceof AdaptationError)) throw error;
  }
}

function randomOp(rng: Rng, doc: Y.Doc, added: Set<string>, removed: Set<string>, posted: Set<string>): void {
  if (rng.chance(0.5)) return randomAdaptation(rng, doc, added, removed);
  if (rng.chance(0.1)) {
    // Messages: both people write, offline too, sometimes within the same millisecond.
    const text = `${rng.pick(words)} ${rng.int(1000)}`;
    posted.add(postMessage(doc, rng.pick(actors), text, undefined, 1_000 + rng.int(20)).id);
    return;
  }
  const phases = listPhases(doc);
  const steps = listSteps(doc);
  const roll = rng.int(100);
  if (roll < 25 || steps.length === 0) {
    const id = addStep(doc, {
      phaseId: rng.pick(phases).id,
      title: `${rng.pick(words)} ${rng.int(1000)}`,
      index: rng.int(steps.length + 2),
    });
    added.add(id);
  } else if (roll < 45) {
    const step = rng.pick(steps);
    moveStep(doc, step.id, { phaseId: rng.pick(phases).id, index: rng.int(steps.length + 1) });
  } else if (roll < 57) {
    setStepStatus(doc, rng.pick(steps).id, rng.pick(STEP_STATUSES));
  } else if (roll < 67) {
    renameStep(doc, rng.pick(steps).id, `${rng.pick(words)} ${rng.int(1000)}`);
  } else if (roll < 74) {
    const step = rng.pick(steps);
    removed.add(step.id);
    for (const s of steps) if (s.parentId === step.id) removed.add(s.id);
    removeStep(doc, step.id);
  } else if (roll < 88) {
    const notes = sharedNotes(doc);
    const first = notes.get(0);
    if (first instanceof Y.XmlElement && rng.chance(0.5)) {
      const text = first.get(0);
      if (text instanceof Y.XmlText) text.insert(rng.int(text.length + 1), rng.pick(words));
    } else appendNoteParagraph(notes, `${rng.pick(words)} ${rng.int(1000)}`);
  } else if (roll < 91) {
    // The document de synthèse: both people write in its sections, concurrently.
    const section = synthesisSection(doc, rng.pick(SYNTHESIS_SECTIONS).key);
    const last = section.get(section.length - 1);
    if (last instanceof Y.XmlElement && rng.chance(0.5)) {
      const text = last.get(0);
      if (text instanceof Y.XmlText) text.insert(rng.int(text.length + 1), ` ${rng.pick(words)}`);
    } else appendNoteParagraph(section, `${rng.pick(words)} ${rng.int(1000)}`);
  } else if (roll < 93) {
    renamePhase(doc, rng.pick(phases).id, `Phase ${rng.int(100)}`);
  } else if (roll < 96) {
    if (phases.length < 6) addPhase(doc, `Phase ajoutée ${rng.int(100)}`);
  } else {
    renameAccompaniment(doc, `Bilan ${rng.int(100)}`);
  }
}

/** The observable state of a document, as the UI and reports read it. */
export function snapshot(doc: Y.Doc): unknown {
  return {
    meta: readMeta(doc),
    pathway: readPathway(doc),
    notes: notesText(sharedNotes(doc)),
    synthesis: synthesisText(doc),
    adaptations: listAdaptations(doc),
    messages: listMessages(doc),
  };
}

/**
 * One seeded run: peers start from the server's initial state, edit at random, exchange updates in random
 * order while going offline and online, then all reconnect. Throws (naming the seed) unless every peer ends
 * equal and valid, with no step duplicated and none lost except those removed.
 */
export function runConvergence(seed: number, options: FuzzOptions = {}): void {
  const rng = createRng(seed);
  // Ids and Yjs client ids come from the seed too (ties between concurrent inserts break by them), so that
  // FUZZ_SEED replays a failure exactly.
  const idRng = createRng(seed ^ 0x5bd1e995);
  const hex = (): string =>
    Math.floor(idRng.next() * 0x10000)
      .toString(16)
      .padStart(4, '0');
  const randomUUID = globalThis.crypto.randomUUID;
  globalThis.crypto.randomUUID = () =>
    `${hex()}${hex()}-${hex()}-4${hex().slice(1)}-a${hex().slice(1)}-${hex()}${hex()}${hex()}` as ReturnType<
      typeof randomUUID
    >;
  try {
    runSeeded(seed, rng, options);
  } finally {
    globalThis.crypto.randomUUID = randomUUID;
  }
}

function runSeeded(seed: number, rng: Rng, options: FuzzOptions): void {
  const n = options.peers ?? 3 + rng.int(2);
  const origin = new Y.Doc();
  origin.clientID = 999;
  initSharedDoc(origin, { title: 'Bilan de compétences — Léa Martin', kind: 'bilan', hoursBudget: 24 });
  const initial = Y.encodeStateAsUpdate(origin);
  const added = new Set<string>();
  const removed = new Set<string>();
  const posted = new Set<string>();
  const peers: Peer[] = Array.from({ length: n }, (_, i) => {
    const doc = new Y.Doc();
    doc.clientID = 1000 + i;
    Y.applyUpdate(doc, initial, 'initial');
    const peer: Peer = { doc, online: true, outbox: Array.from({ length: n }, () => []) };
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === 'remote') return;
      for (let j = 0; j < n; j++) if (j !== i) peer.outbox[j]!.push(update);
    });
    return peer;
  });

  const deliverOne = (): void => {
    const from = rng.int(n);
    const to = rng.int(n);
    const queue = peers[from]!.outbox[to]!;
    if (from === to || queue.length === 0 || !peers[from]!.online || !peers[to]!.online) return;
    // Random order: any pending update may overtake the others (Yjs must hold it until its dependencies).
    const [update] = queue.splice(rng.int(queue.length), 1);
    Y.applyUpdate(peers[to]!.doc, update!, 'remote');
  };

  const steps = options.steps ?? 150;
  for (let s = 0; s < steps; s++) {
    const roll = rng.int(100);
    if (roll < 45) randomOp(rng, rng.pick(peers).doc, added, removed, posted);
    else if (roll < 90) deliverOne();
    else {
      const peer = rng.pick(peers);
      peer.online = !peer.online;
    }
  }

  // Everyone comes back online: queued updates flow, then a state-vector exchange as y-websocket does.
  for (const p of peers) p.online = true;
  for (const p of peers) for (const q of p.outbox) q.length = 0;
  for (const a of peers)
    for (const b of peers)
      if (a !== b) Y.applyUpdate(b.doc, Y.encodeStateAsUpdate(a.doc, Y.encodeStateVector(b.doc)), 'remote');

  const reference = JSON.stringify(snapshot(peers[0]!.doc));
  peers.forEach((p, i) => {
    const issues = validateDoc(p.doc);
    if (issues.length > 0) throw new Error(`seed ${seed}: peer ${i} invalid: ${JSON.stringify(issues)}`);
    const state = JSON.stringify(snapshot(p.doc));
    if (state !== reference) throw new Error(`seed ${seed}: peer ${i} diverged\n${state}\n!==\n${reference}`);
  });
  const ids = readPathway(peers[0]!.doc).flatMap((p) => p.steps.map((s) => s.id as string));
  if (new Set(ids).size !== ids.length) throw new Error(`seed ${seed}: a step appears twice`);
  const present = new Set(ids);
  for (const id of added)
    if (!removed.has(id) && !present.has(id))
      throw new Error(`seed ${seed}: step ${id} lost from the pathway`);
  const messageIds = listMessages(peers[0]!.doc).map((m) => m.id);
  if (messageIds.length !== posted.size || messageIds.some((id) => !posted.has(id)))
    throw new Error(`seed ${seed}: messages lost or duplicated`);
  for (const p of peers) p.doc.destroy();
}
