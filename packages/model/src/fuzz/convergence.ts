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
import {
  ExerciseError,
  QUESTION_TYPES,
  addExerciseComment,
  addGridItem,
  addTimelineEvent,
  answerTextFragment,
  exerciseHistory,
  listExerciseComments,
  listExercises,
  moveCard,
  noteTextAnswered,
  placeExercise,
  readAnswers,
  removeExercise,
  removeGridItem,
  removeTimelineEvent,
  reopenExercise,
  setMultipleChoice,
  setScale,
  setSingleChoice,
  submitExercise,
  updateGridItem,
  updateTimelineEvent,
  type Question,
} from '../exercises/exercises.ts';
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
  /** Interleave exercise operations (default true). Off replays the scenarios recorded before exercises. */
  exercises?: boolean;
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

/** What the exercise operations did, to check after the merge that nothing was lost. */
interface ExerciseTrack {
  /** Comment id → its exercise. */
  comments: Map<string, string>;
  removed: Set<string>;
}

const abc = ['a', 'b', 'c'].map((id) => ({ id, label: id.toUpperCase() }));
/** One question of every type, kept small: every pending update carries the definition, and runs stay fast. */
const fuzzQuestions: Question[] = [
  { id: 't', type: 'text', prompt: 'Texte' },
  { id: 's', type: 'single', prompt: 'Un choix', options: abc },
  { id: 'm', type: 'multiple', prompt: 'Des choix', options: abc },
  { id: 'n', type: 'scale', prompt: 'Échelle', min: 1, max: 5 },
  { id: 'r', type: 'ranking', prompt: 'Classement', cards: [...abc, { id: 'd', label: 'D' }] },
  { id: 'g', type: 'grid', prompt: 'Grille', cells: abc.slice(0, 2) },
  { id: 'l', type: 'timeline', prompt: 'Ligne de vie' },
];
if (fuzzQuestions.map((q) => q.type).join() !== QUESTION_TYPES.join())
  throw new Error('the fuzz must cover every question type');

/**
 * Exercises (issue: interactive exercises): the coach places them, both people answer every kind of question
 * and comment, offline too. Driven by their own random stream so that the pathway scenarios stay as they were.
 */
function randomExerciseOp(rng: Rng, doc: Y.Doc, track: ExerciseTrack): void {
  const exercises = listExercises(doc);
  const actor = rng.pick(actors);
  // Five-minute ticks over an hour: history coalescing both applies and not, and ties in time are frequent.
  const now = 1_000_000 + rng.int(12) * 5 * 60_000;
  const roll = rng.int(100);
  try {
    if (roll < 8 || exercises.length === 0) {
      const steps = listSteps(doc);
      if (steps.length === 0) return;
      const definition = { title: `Exercice ${rng.int(100)}`, questions: fuzzQuestions };
      placeExercise(doc, { stepId: rng.pick(steps).id, definition, actor: actors[0]!, now });
      return;
    }
    const ex = rng.pick(exercises);
    const id = ex.id;
    if (roll < 10) {
      removeExercise(doc, id);
      track.removed.add(id);
      return;
    }
    if (roll < 14) {
      if (ex.status === 'submitted') reopenExercise(doc, id, actor, now);
      else submitExercise(doc, id, actor, now);
      return;
    }
    const q = rng.pick(ex.definition.questions);
    if (roll < 26) {
      const comment = addExerciseComment(doc, id, q.id, actor, `${rng.pick(words)} ${rng.int(1000)}`, now);
      track.comments.set(comment.id, id);
      return;
    }
    const answers = readAnswers(doc, id);
    switch (q.type) {
      case 'text': {
        const fragment = answerTextFragment(doc, id, q.id);
        const last = fragment.get(fragment.length - 1);
        if (last instanceof Y.XmlElement && rng.chance(0.5)) {
          const text = last.get(0);
          if (text instanceof Y.XmlText) text.insert(rng.int(text.length + 1), ` ${rng.pick(words)}`);
        } else appendNoteParagraph(fragment, `${rng.pick(words)} ${rng.int(1000)}`);
        noteTextAnswered(doc, id, q.id, actor, now);
        break;
      }
      case 'single':
        setSingleChoice(doc, id, q.id, rng.chance(0.15) ? null : rng.pick(q.options).id, actor, now);
        break;
      case 'multiple':
        setMultipleChoice(doc, id, q.id, rng.pick(q.options).id, rng.chance(0.6), actor, now);
        break;
      case 'scale':
        setScale(doc, id, q.id, rng.chance(0.15) ? null : q.min + rng.int(q.max - q.min + 1), actor, now);
        break;
      case 'ranking':
        moveCard(doc, id, q.id, rng.pick(q.cards).id, rng.int(q.cards.length + 1), actor, now);
        break;
      case 'grid': {
        const items = answers.grid[q.id] ?? [];
        const r = rng.int(10);
        if (r < 5 || items.length === 0)
          addGridItem(doc, id, q.id, rng.pick(q.cells).id, `${rng.pick(words)} ${rng.int(100)}`, actor, now);
        else if (r < 8) updateGridItem(doc, id, q.id, rng.pick(items).id, `${rng.pick(words)}`, actor, now);
        else removeGridItem(doc, id, q.id, rng.pick(items).id, actor, now);
        break;
      }
      case 'timeline': {
        const events = answers.timeline[q.id] ?? [];
        const date = `${1990 + rng.int(30)}${rng.chance(0.5) ? `-0${1 + rng.int(9)}` : ''}`;
        const feeling = rng.pick(['positive', 'neutral', 'negative'] as const);
        const r = rng.int(10);
        if (r < 5 || events.length === 0)
          addTimelineEvent(doc, id, q.id, { date, label: rng.pick(words), feeling }, actor, now);
        else if (r < 8) {
          // Patches of one field or another, so that concurrent patches of one event merge field by field.
          const patch = rng.pick([{ date }, { label: rng.pick(words) }, { feeling }]);
          updateTimelineEvent(doc, id, q.id, rng.pick(events).id, patch, actor, now);
        } else removeTimelineEvent(doc, id, q.id, rng.pick(events).id, actor, now);
        break;
      }
    }
  } catch (error) {
    // A refused answer (e.g. an item removed meanwhile) changes nothing.
    if (!(error instanceof ExerciseError)) throw error;
  }
}

/** Every exercise as the UI reads it: definition, status, answers (text ones too), comments and history. */
function exercisesSnapshot(doc: Y.Doc): unknown {
  return listExercises(doc).map((ex) => ({
    ...ex,
    answers: readAnswers(doc, ex.id),
    texts: ex.definition.questions
      .filter((q) => q.type === 'text')
      .map((q) => notesText(answerTextFragment(doc, ex.id, q.id))),
    comments: listExerciseComments(doc, ex.id),
    history: exerciseHistory(doc, ex.id),
  }));
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
    exercises: exercisesSnapshot(doc),
  };
}

/**
 * One seeded run: peers start from the server's initial state, edit at random, exchange updates in random
 * order while going offline and online, then all reconnect. Throws (naming the seed) unless every peer ends
 * equal and valid, with no step duplicated and none lost except those removed.
 */
/** What a run ended with, so that tests can tell the operations really happened. */
export interface FuzzSummary {
  steps: number;
  messages: number;
  exercises: number;
  comments: number;
  answered: number;
}

export function runConvergence(seed: number, options: FuzzOptions = {}): FuzzSummary {
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
    return runSeeded(seed, rng, options);
  } finally {
    globalThis.crypto.randomUUID = randomUUID;
  }
}

function runSeeded(seed: number, rng: Rng, options: FuzzOptions): FuzzSummary {
  const n = options.peers ?? 3 + rng.int(2);
  const origin = new Y.Doc();
  origin.clientID = 999;
  initSharedDoc(origin, { title: 'Bilan de compétences — Léa Martin', kind: 'bilan', hoursBudget: 24 });
  const initial = Y.encodeStateAsUpdate(origin);
  const added = new Set<string>();
  const removed = new Set<string>();
  const posted = new Set<string>();
  const track: ExerciseTrack = { comments: new Map(), removed: new Set() };
  // Exercise operations draw from their own stream: the main stream replays the same pathway scenario.
  const exerciseRng = options.exercises === false ? null : createRng(seed ^ 0x2c1b3c6d);
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
    if (exerciseRng?.chance(0.25)) randomExerciseOp(exerciseRng, exerciseRng.pick(peers).doc, track);
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
  const exercises = listExercises(peers[0]!.doc);
  const commentIds = exercises.flatMap((ex) => listExerciseComments(peers[0]!.doc, ex.id).map((c) => c.id));
  if (new Set(commentIds).size !== commentIds.length)
    throw new Error(`seed ${seed}: a comment appears twice`);
  const commented = new Set(commentIds);
  for (const [commentId, exerciseId] of track.comments)
    if (!track.removed.has(exerciseId) && !commented.has(commentId))
      throw new Error(`seed ${seed}: comment ${commentId} lost`);
  for (const ex of exercises) {
    const answers = readAnswers(peers[0]!.doc, ex.id);
    for (const q of ex.definition.questions)
      if (q.type === 'ranking') {
        const ranked = [...(answers.ranking[q.id] ?? [])].sort();
        if (JSON.stringify(ranked) !== JSON.stringify(q.cards.map((c) => c.id).sort()))
          throw new Error(`seed ${seed}: ranking ${q.id} is not a permutation of its cards`);
      }
  }
  const summary: FuzzSummary = {
    steps: ids.length,
    messages: messageIds.length,
    exercises: exercises.length,
    comments: commentIds.length,
    answered: exercises.reduce(
      (n, ex) => n + exerciseHistory(peers[0]!.doc, ex.id).filter((e) => e.kind === 'answered').length,
      0,
    ),
  };
  for (const p of peers) p.doc.destroy();
  return summary;
}
