import { generateKeyBetween, generateNKeysBetween } from 'fractional-indexing';
import * as Y from 'yjs';
import { newId, type ExerciseId, type StepId } from '../ids/ids.ts';
import type { Actor } from '../adaptation/adaptation.ts';
import { notesText } from '../notes/notes.ts';
import { getStep } from '../pathway/pathway.ts';
import { ROOT } from '../schema/keys.ts';

/**
 * Interactive exercises placed in a step (values to rank, SWOT grid, life timeline…). The coach copies a
 * definition into a step; the learner answers, both comment beside each answer, and every change is traced
 * in the exercise's history. Each kind of answer is stored so that two people editing offline merge without
 * losing either's work: one flag per option, one fractional key per card, one record per grid item or
 * timeline event; last-writer-wins only where the answer is a single scalar (single choice, scale).
 */

export const QUESTION_TYPES = ['text', 'single', 'multiple', 'scale', 'ranking', 'grid', 'timeline'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

export interface ChoiceOption {
  id: string;
  label: string;
}

export type Question =
  | { id: string; type: 'text'; prompt: string }
  | { id: string; type: 'single' | 'multiple'; prompt: string; options: ChoiceOption[] }
  | {
      id: string;
      type: 'scale';
      prompt: string;
      min: number;
      max: number;
      minLabel?: string;
      maxLabel?: string;
    }
  | { id: string; type: 'ranking'; prompt: string; cards: ChoiceOption[] }
  | { id: string; type: 'grid'; prompt: string; cells: ChoiceOption[] }
  | { id: string; type: 'timeline'; prompt: string };

export type TextQuestion = Extract<Question, { type: 'text' }>;
export type ChoiceQuestion = Extract<Question, { options: ChoiceOption[] }>;
export type ScaleQuestion = Extract<Question, { type: 'scale' }>;
export type RankingQuestion = Extract<Question, { type: 'ranking' }>;
export type GridQuestion = Extract<Question, { type: 'grid' }>;
export type TimelineQuestion = Extract<Question, { type: 'timeline' }>;

export interface ExerciseDefinition {
  title: string;
  instructions?: string;
  questions: Question[];
}

export const EXERCISE_LIMITS = {
  title: 200,
  prompt: 1000,
  label: 200,
  questions: 50,
  options: 30,
  answerText: 2000,
} as const;

/** Bounds a scale may use (a 1–5, 0–10 or -5–5 scale all fit). */
export const SCALE_BOUND = 100;

/** Something asked of an exercise was refused; the message is meant for the user, in French. */
export class ExerciseError extends Error {
  readonly code: 'invalid' | 'not-found' | 'empty' | 'too-long' | 'bad-value';
  constructor(code: ExerciseError['code'], message: string) {
    super(message);
    this.name = 'ExerciseError';
    this.code = code;
  }
}

export function isQuestionType(value: unknown): value is QuestionType {
  return typeof value === 'string' && (QUESTION_TYPES as readonly string[]).includes(value);
}

// ——— Definitions ———————————————————————————————————————————————————————————————————————————————

/** Ids of questions and options end up in Y.Map keys and fragment names: no separator may slip in. */
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

type Plain = Record<string, unknown>;

function isPlain(value: unknown): value is Plain {
  return (
    value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Y.AbstractType)
  );
}

function invalid(message: string): never {
  throw new ExerciseError('invalid', message);
}

const oneLine = (value: string): string => value.replace(/\s+/g, ' ').trim();

/** A required one-line text (title, label), whitespace collapsed. */
function line(value: unknown, max: number, empty: string, tooLong: string): string {
  const text = typeof value === 'string' ? oneLine(value) : '';
  if (!text) invalid(empty);
  if (text.length > max) invalid(tooLong);
  return text;
}

/** An optional text; absent, blank or missing gives undefined. */
function optionalText(value: unknown, max: number, tooLong: string, multiline: boolean): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') invalid(tooLong);
  const text = multiline ? value.trim() : oneLine(value);
  if (text.length > max) invalid(tooLong);
  return text || undefined;
}

const ITEM_NOUNS = {
  single: { one: 'choix', many: 'choix', min: 2 },
  multiple: { one: 'choix', many: 'choix', min: 2 },
  ranking: { one: 'carte', many: 'cartes', min: 2 },
  grid: { one: 'case', many: 'cases', min: 1 },
} as const;

function parseOptions(value: unknown, n: number, type: keyof typeof ITEM_NOUNS): ChoiceOption[] {
  const noun = ITEM_NOUNS[type];
  const min = noun.min;
  if (!Array.isArray(value) || value.length < min)
    invalid(`Question ${n} : ajoutez au moins ${min} ${min > 1 ? noun.many : noun.one}.`);
  if (value.length > EXERCISE_LIMITS.options)
    invalid(`Question ${n} : ${EXERCISE_LIMITS.options} ${noun.many} au plus.`);
  const seen = new Set<string>();
  return value.map((raw: unknown, i) => {
    const where = `Question ${n}, ${noun.one} ${i + 1}`;
    if (!isPlain(raw)) invalid(`${where} : illisible.`);
    const id = raw.id;
    if (typeof id !== 'string' || !ID_PATTERN.test(id)) invalid(`${where} : identifiant invalide.`);
    if (seen.has(id)) invalid(`${where} : identifiant en double.`);
    seen.add(id);
    const label = line(
      raw.label,
      EXERCISE_LIMITS.label,
      `${where} : le libellé est vide.`,
      `${where} : le libellé ne peut pas dépasser ${EXERCISE_LIMITS.label} caractères.`,
    );
    return { id, label };
  });
}

function parseQuestion(raw: unknown, n: number, seen: Set<string>): Question {
  if (!isPlain(raw)) invalid(`Question ${n} : illisible.`);
  const { id, type } = raw;
  if (!isQuestionType(type)) invalid(`Question ${n} : type de question inconnu.`);
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) invalid(`Question ${n} : identifiant invalide.`);
  if (seen.has(id)) invalid(`Question ${n} : identifiant en double.`);
  seen.add(id);
  const prompt = typeof raw.prompt === 'string' ? raw.prompt.trim() : '';
  if (!prompt) invalid(`Question ${n} : l’intitulé est vide.`);
  if (prompt.length > EXERCISE_LIMITS.prompt)
    invalid(`Question ${n} : l’intitulé ne peut pas dépasser ${EXERCISE_LIMITS.prompt} caractères.`);
  switch (type) {
    case 'text':
    case 'timeline':
      return { id, type, prompt };
    case 'single':
    case 'multiple':
      return { id, type, prompt, options: parseOptions(raw.options, n, type) };
    case 'ranking':
      return { id, type, prompt, cards: parseOptions(raw.cards, n, type) };
    case 'grid':
      return { id, type, prompt, cells: parseOptions(raw.cells, n, type) };
    case 'scale': {
      const { min, max } = raw;
      if (!Number.isInteger(min) || !Number.isInteger(max))
        invalid(`Question ${n} : les bornes de l’échelle doivent être des nombres entiers.`);
      const lo = min as number;
      const hi = max as number;
      if (Math.abs(lo) > SCALE_BOUND || Math.abs(hi) > SCALE_BOUND)
        invalid(`Question ${n} : les bornes de l’échelle vont de -${SCALE_BOUND} à ${SCALE_BOUND}.`);
      if (lo >= hi) invalid(`Question ${n} : le minimum de l’échelle doit être inférieur au maximum.`);
      const tooLong = `Question ${n} : un libellé d’échelle ne peut pas dépasser ${EXERCISE_LIMITS.label} caractères.`;
      const minLabel = optionalText(raw.minLabel, EXERCISE_LIMITS.label, tooLong, false);
      const maxLabel = optionalText(raw.maxLabel, EXERCISE_LIMITS.label, tooLong, false);
      return {
        id,
        type,
        prompt,
        min: lo,
        max: hi,
        ...(minLabel ? { minLabel } : {}),
        ...(maxLabel ? { maxLabel } : {}),
      };
    }
  }
}

/** Validates untrusted input (library API, peers); French error message for the user. */
export function parseExerciseDefinition(
  value: unknown,
): { ok: true; definition: ExerciseDefinition } | { ok: false; error: string } {
  try {
    if (!isPlain(value)) invalid('Cet exercice est illisible.');
    const title = line(
      value.title,
      EXERCISE_LIMITS.title,
      'Donnez un titre à l’exercice.',
      `Le titre ne peut pas dépasser ${EXERCISE_LIMITS.title} caractères.`,
    );
    const instructions = optionalText(
      value.instructions,
      EXERCISE_LIMITS.prompt,
      `La consigne ne peut pas dépasser ${EXERCISE_LIMITS.prompt} caractères.`,
      true,
    );
    const raw = value.questions;
    if (!Array.isArray(raw) || raw.length === 0) invalid('Ajoutez au moins une question.');
    if (raw.length > EXERCISE_LIMITS.questions)
      invalid(`Un exercice compte au plus ${EXERCISE_LIMITS.questions} questions.`);
    const seen = new Set<string>();
    const questions = raw.map((q: unknown, i) => parseQuestion(q, i + 1, seen));
    return { ok: true, definition: { title, ...(instructions ? { instructions } : {}), questions } };
  } catch (error) {
    if (error instanceof ExerciseError) return { ok: false, error: error.message };
    throw error;
  }
}

// ——— Starters ————————————————————————————————————————————————————————————————————————————————

export type ExerciseStarterKey = 'blank' | 'values' | 'swot' | 'life';

/** Ready-made starters the builder offers. */
export const EXERCISE_STARTERS: readonly { key: ExerciseStarterKey; title: string }[] = [
  { key: 'blank', title: 'Exercice vierge' },
  { key: 'values', title: 'Mes valeurs' },
  { key: 'swot', title: 'Analyse SWOT' },
  { key: 'life', title: 'Ligne de vie' },
];

const options = (labels: readonly string[]): ChoiceOption[] =>
  labels.map((label) => ({ id: newId(), label }));

const VALUES = [
  'Autonomie',
  'Sécurité de l’emploi',
  'Reconnaissance',
  'Équilibre vie professionnelle / vie personnelle',
  'Créativité',
  'Utilité sociale',
  'Rémunération',
  'Relations humaines',
  'Apprentissage',
  'Responsabilités',
];

/** A starter definition, with fresh ids each call (a placed copy never shares ids with another). */
export function exerciseStarter(key: ExerciseStarterKey): ExerciseDefinition {
  switch (key) {
    case 'values':
      return {
        title: 'Mes valeurs',
        instructions:
          'Classez ces valeurs de la plus importante à la moins importante pour vous aujourd’hui.',
        questions: [
          {
            id: newId(),
            type: 'ranking',
            prompt: 'Vos valeurs, par ordre d’importance',
            cards: options(VALUES),
          },
          { id: newId(), type: 'text', prompt: 'Qu’est-ce qui a guidé votre classement ?' },
        ],
      };
    case 'swot':
      return {
        title: 'Analyse SWOT',
        instructions:
          'Notez ce qui vous aide et ce qui vous freine, en vous et autour de vous, dans votre projet.',
        questions: [
          {
            id: newId(),
            type: 'grid',
            prompt: 'Votre projet professionnel',
            cells: options(['Forces', 'Faiblesses', 'Opportunités', 'Menaces']),
          },
        ],
      };
    case 'life':
      return {
        title: 'Ligne de vie',
        instructions:
          'Placez les événements marquants de votre vie personnelle et professionnelle, et ce que vous en avez ressenti.',
        questions: [
          { id: newId(), type: 'timeline', prompt: 'Les événements marquants de votre parcours' },
          { id: newId(), type: 'text', prompt: 'Que remarquez-vous en regardant votre ligne de vie ?' },
        ],
      };
    case 'blank':
      return { title: 'Nouvel exercice', questions: [newQuestion('text')] };
  }
}

/** A new question of `type` with sensible French defaults and fresh ids. */
export function newQuestion(type: QuestionType): Question {
  const id = newId();
  switch (type) {
    case 'text':
      return { id, type, prompt: 'Votre question' };
    case 'single':
      return { id, type, prompt: 'Choisissez une réponse', options: options(['Choix 1', 'Choix 2']) };
    case 'multiple':
      return {
        id,
        type,
        prompt: 'Cochez les réponses qui vous correspondent',
        options: options(['Choix 1', 'Choix 2', 'Choix 3']),
      };
    case 'scale':
      return {
        id,
        type,
        prompt: 'Sur une échelle de 1 à 10, où en êtes-vous ?',
        min: 1,
        max: 10,
        minLabel: 'Pas du tout',
        maxLabel: 'Tout à fait',
      };
    case 'ranking':
      return {
        id,
        type,
        prompt: 'Classez ces éléments',
        cards: options(['Élément 1', 'Élément 2', 'Élément 3']),
      };
    case 'grid':
      return { id, type, prompt: 'Répartissez vos idées', cells: options(['Colonne 1', 'Colonne 2']) };
    case 'timeline':
      return { id, type, prompt: 'Les événements marquants de votre parcours' };
  }
}

// ——— Placed exercises ——————————————————————————————————————————————————————————————————————————

export type ExerciseStatus = 'in_progress' | 'submitted';

export interface PlacedExercise {
  id: ExerciseId;
  stepId: StepId;
  definition: ExerciseDefinition;
  placedAt: number;
  placedBy: Actor;
  status: ExerciseStatus;
  submittedAt: number | null;
}

type Rec = Y.Map<unknown>;

const exercisesMap = (doc: Y.Doc): Y.Map<unknown> => doc.getMap<unknown>(ROOT.exercises);

function recordOf(doc: Y.Doc, id: string): Rec | null {
  const rec = exercisesMap(doc).get(id);
  return rec instanceof Y.Map ? (rec as Rec) : null;
}

function isActor(value: unknown): value is Actor {
  if (!isPlain(value)) return false;
  return (
    typeof value.id === 'string' &&
    typeof value.name === 'string' &&
    (value.role === 'coach' || value.role === 'learner')
  );
}

const actorCopy = (actor: Actor): Actor => ({ id: actor.id, name: actor.name, role: actor.role });

const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/**
 * Stored definitions are validated once per stored value (Yjs hands back the same object until it is
 * replaced); callers get their own copy, free to change.
 */
const definitionCache = new WeakMap<object, ExerciseDefinition | null>();

function storedDefinition(value: unknown): ExerciseDefinition | null {
  if (!isPlain(value)) return null;
  let definition = definitionCache.get(value);
  if (definition === undefined) {
    const parsed = parseExerciseDefinition(value);
    definition = parsed.ok ? parsed.definition : null;
    definitionCache.set(value, definition);
  }
  return definition && cloneDefinition(definition);
}

const cloneOptions = (list: ChoiceOption[]): ChoiceOption[] =>
  list.map((o) => ({ id: o.id, label: o.label }));

function cloneQuestion(q: Question): Question {
  switch (q.type) {
    case 'single':
    case 'multiple':
      return { ...q, options: cloneOptions(q.options) };
    case 'ranking':
      return { ...q, cards: cloneOptions(q.cards) };
    case 'grid':
      return { ...q, cells: cloneOptions(q.cells) };
    default:
      return { ...q };
  }
}

function cloneDefinition(d: ExerciseDefinition): ExerciseDefinition {
  return { ...d, questions: d.questions.map(cloneQuestion) };
}

/** Reads one record; a malformed one (from a faulty peer) is ignored rather than crashing the UI. */
function readExercise(id: string, rec: Rec): PlacedExercise | null {
  const stepId = rec.get('stepId');
  const placedAt = rec.get('placedAt');
  const placedBy = rec.get('placedBy');
  if (typeof stepId !== 'string' || !isTime(placedAt) || !isActor(placedBy)) return null;
  const definition = storedDefinition(rec.get('definition'));
  if (!definition) return null;
  const status = rec.get('status') === 'submitted' ? 'submitted' : 'in_progress';
  const submittedAt = rec.get('submittedAt');
  return {
    id: id as ExerciseId,
    stepId: stepId as StepId,
    definition,
    placedAt,
    placedBy: actorCopy(placedBy),
    status,
    submittedAt: status === 'submitted' && isTime(submittedAt) ? submittedAt : null,
  };
}

/** Copies a definition into a step (coach). Creates the record's nested answers/comments/history once. */
export function placeExercise(
  doc: Y.Doc,
  input: { stepId: StepId; definition: ExerciseDefinition; actor: Actor; now?: number },
  id: ExerciseId = newId<'ExerciseId'>(),
): ExerciseId {
  const parsed = parseExerciseDefinition(input.definition);
  if (!parsed.ok) throw new ExerciseError('invalid', parsed.error);
  if (!getStep(doc, input.stepId)) throw new ExerciseError('not-found', 'Étape introuvable.');
  if (exercisesMap(doc).has(id)) throw new ExerciseError('invalid', 'Cet exercice est déjà placé.');
  const now = input.now ?? Date.now();
  doc.transact(() => {
    const rec = new Y.Map<unknown>();
    rec.set('stepId', input.stepId);
    rec.set('definition', parsed.definition);
    rec.set('placedAt', now);
    rec.set('placedBy', actorCopy(input.actor));
    rec.set('status', 'in_progress');
    rec.set('submittedAt', null);
    rec.set('answers', new Y.Map<unknown>());
    rec.set('comments', new Y.Array<unknown>());
    const history = new Y.Array<unknown>();
    history.push([{ at: now, by: actorCopy(input.actor), kind: 'placed' }]);
    rec.set('history', history);
    exercisesMap(doc).set(id, rec);
  });
  return id;
}

/** Placed exercises (of one step, or all), by placement time then id. */
export function listExercises(doc: Y.Doc, stepId?: StepId): PlacedExercise[] {
  const out: PlacedExercise[] = [];
  exercisesMap(doc).forEach((rec, id) => {
    if (!(rec instanceof Y.Map)) return;
    if (stepId !== undefined && rec.get('stepId') !== stepId) return;
    const ex = readExercise(id, rec as Rec);
    if (ex) out.push(ex);
  });
  return out.sort((a, b) => a.placedAt - b.placedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function getExercise(doc: Y.Doc, id: ExerciseId): PlacedExercise | null {
  const rec = recordOf(doc, id);
  return rec ? readExercise(id, rec) : null;
}

/** Removes an exercise with its answers, comments and history (text answers are emptied). */
export function removeExercise(doc: Y.Doc, id: ExerciseId): void {
  const ex = getExercise(doc, id);
  doc.transact(() => {
    // Root fragments cannot be deleted; emptying them keeps no trace of the learner's words.
    for (const q of ex?.definition.questions ?? []) {
      if (q.type !== 'text') continue;
      const fragment = doc.getXmlFragment(fragmentName(id, q.id));
      if (fragment.length > 0) fragment.delete(0, fragment.length);
    }
    exercisesMap(doc).delete(id);
  });
}

// ——— Answers ————————————————————————————————————————————————————————————————————————————————————
// Flat composite keys in the record's `answers` map (question and option ids never contain '/'):
//   s/<q> → optionId | null            single choice (LWW)
//   m/<q>/<option> → boolean           multiple choice, one flag per option
//   n/<q> → number | null              scale (LWW)
//   r/<q>/<card> → fractional key      ranking; a card never moved has none and keeps its definition rank
//   g/<q>/<item> → {cellId, at, by}    grid item; its text under g/<q>/<item>/text
//   t/<q>/<event> → {at, by}           timeline event; its fields under t/<q>/<event>/{date,label,feeling}
// An item exists while its base key does: removing it deletes the base key, so a concurrent edit of a removed
// item leaves only an orphan field that nobody reads.

interface Context {
  id: ExerciseId;
  definition: ExerciseDefinition;
  answers: Y.Map<unknown>;
  comments: Y.Array<unknown>;
  history: Y.Array<unknown>;
}

function context(doc: Y.Doc, id: ExerciseId): Context | null {
  const rec = recordOf(doc, id);
  if (!rec) return null;
  const ex = readExercise(id, rec);
  const answers = rec.get('answers');
  const comments = rec.get('comments');
  const history = rec.get('history');
  if (!ex || !(answers instanceof Y.Map) || !(comments instanceof Y.Array) || !(history instanceof Y.Array))
    return null;
  return { id, definition: ex.definition, answers, comments, history } as Context;
}

function open(doc: Y.Doc, id: ExerciseId): Context {
  const ctx = context(doc, id);
  if (!ctx) throw new ExerciseError('not-found', 'Exercice introuvable.');
  return ctx;
}

function findQuestion(ctx: Context, questionId: string): Question {
  const q = ctx.definition.questions.find((x) => x.id === questionId);
  if (!q) throw new ExerciseError('not-found', 'Question introuvable.');
  return q;
}

function wrongType(): never {
  throw new ExerciseError('bad-value', 'Cette question n’attend pas ce type de réponse.');
}

/** The exercise and its question, which must be of `type` (every answer function starts here). */
function answering<T extends Question['type']>(
  doc: Y.Doc,
  id: ExerciseId,
  questionId: string,
  type: T,
): { ctx: Context; q: Question & { type: T } } {
  const ctx = open(doc, id);
  const q = findQuestion(ctx, questionId);
  if (q.type !== type) wrongType();
  return { ctx, q: q as Question & { type: T } };
}

/** Writes an answer and its history entry in one transaction. */
function answer(
  doc: Y.Doc,
  ctx: Context,
  actor: Actor,
  questionId: string,
  now: number,
  write: () => void,
): void {
  doc.transact(() => {
    write();
    answered(ctx, actor, questionId, now);
  });
}

/** Sets one answer key, unless it already holds `value`. */
function setAnswer(
  doc: Y.Doc,
  ctx: Context,
  key: string,
  value: string | number | null,
  actor: Actor,
  questionId: string,
  now: number,
): void {
  if ((ctx.answers.get(key) ?? null) === value) return;
  answer(doc, ctx, actor, questionId, now, () => ctx.answers.set(key, value));
}

const fragmentName = (id: string, questionId: string): string =>
  `${ROOT.exerciseAnswerPrefix}${id}.${questionId}`;

/** The rich-text answer of a text question, a ProseMirror document bound with y-prosemirror. */
export function answerTextFragment(doc: Y.Doc, id: ExerciseId, questionId: string): Y.XmlFragment {
  answering(doc, id, questionId, 'text');
  // A root fragment (not nested in the record): two offline peers never race to create it.
  return doc.getXmlFragment(fragmentName(id, questionId));
}

export function setSingleChoice(
  doc: Y.Doc,
  id: ExerciseId,
  questionId: string,
  optionId: string | null,
  actor: Actor,
  now: number = Date.now(),
): void {
  const { ctx, q } = answering(doc, id, questionId, 'single');
  if (optionId !== null && !q.options.some((o) => o.id === optionId))
    throw new ExerciseError('bad-value', 'Ce choix ne fait pas partie de la question.');
  setAnswer(doc, ctx, `s/${questionId}`, optionId, actor, questionId, now);
}

export function setMultipleChoice(
  doc: Y.Doc,
  id: ExerciseId,
  questionId: string,
  optionId: string,
  checked: boolean,
  actor: Actor,
  now: number = Date.now(),
): void {
  const { ctx, q } = answering(doc, id, questionId, 'multiple');
  if (!q.options.some((o) => o.id === optionId))
    throw new ExerciseError('bad-value', 'Ce choix ne fait pas partie de la question.');
  const key = `m/${questionId}/${optionId}`;
  if ((ctx.answers.get(key) === true) === checked) return;
  answer(doc, ctx, actor, questionId, now, () => ctx.answers.set(key, checked));
}

/** Sets a scale answer: an integer in [min, max], or null to clear it. */
export function setScale(
  doc: Y.Doc,
  id: ExerciseId,
  questionId: string,
  value: number | null,
  actor: Actor,
  now: number = Date.now(),
): void {
  const { ctx, q } = answering(doc, id, questionId, 'scale');
  if (value !== null && !(Number.isInteger(value) && value >= q.min && value <= q.max))
    throw new ExerciseError('bad-value', `Choisissez un nombre entier de ${q.min} à ${q.max}.`);
  setAnswer(doc, ctx, `n/${questionId}`, value, actor, questionId, now);
}

function isOrderKey(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) return false;
  try {
    generateKeyBetween(value, null);
    return true;
  } catch {
    return false;
  }
}

interface Ranked {
  id: string;
  key: string;
  rank: number;
}

/** Cards in ranked order: by fractional key, ties (concurrent moves to one spot) by definition rank. */
function rankedCards(ctx: Context, q: RankingQuestion): Ranked[] {
  const defaults = generateNKeysBetween(null, null, q.cards.length);
  return q.cards
    .map((card, rank) => {
      const stored = ctx.answers.get(`r/${q.id}/${card.id}`);
      return { id: card.id, key: isOrderKey(stored) ? stored : defaults[rank]!, rank };
    })
    .sort((a, b) => (a.key !== b.key ? (a.key < b.key ? -1 : 1) : a.rank - b.rank));
}

/** Moves a card to `toIndex` among the other cards (each card has its own key: concurrent moves never lose one). */
export function moveCard(
  doc: Y.Doc,
  id: ExerciseId,
  questionId: string,
  cardId: string,
  toIndex: number,
  actor: Actor,
  now: number = Date.now(),
): void {
  const { ctx, q } = answering(doc, id, questionId, 'ranking');
  if (!q.cards.some((c) => c.id === cardId))
    throw new ExerciseError('bad-value', 'Cette carte ne fait pas partie de la question.');
  if (!Number.isFinite(toIndex)) throw new ExerciseError('bad-value', 'Position invalide.');
  const others = rankedCards(ctx, q).filter((c) => c.id !== cardId);
  const index = Math.max(0, Math.min(others.length, Math.trunc(toIndex)));
  const before = index > 0 ? others[index - 1]!.key : null;
  // Cards tied with `before` (concurrent moves to one spot) that rank after it get fresh keys after the moved
  // card, so that it lands exactly at `index`; each card still has one key, so merges stay a permutation.
  let j = index;
  while (before !== null && j < others.length && others[j]!.key <= before) j++;
  const after = j < others.length ? others[j]!.key : null;
  const key = generateKeyBetween(before, after);
  const tied = others.slice(index, j);
  const tiedKeys = generateNKeysBetween(key, after, tied.length);
  answer(doc, ctx, actor, questionId, now, () => {
    ctx.answers.set(`r/${questionId}/${cardId}`, key);
    tied.forEach((card, k) => ctx.answers.set(`r/${questionId}/${card.id}`, tiedKeys[k]!));
  });
}

function cleanAnswerText(text: string, emptyMessage: string): string {
  const clean = typeof text === 'string' ? text.trim() : '';
  if (!clean) throw new ExerciseError('empty', emptyMessage);
  if (clean.length > EXERCISE_LIMITS.answerText)
    throw new ExerciseError(
      'too-long',
      `Un texte ne peut pas dépasser ${EXERCISE_LIMITS.answerText} caractères.`,
    );
  return clean;
}

/** Adds a note to a cell of a grid question (e.g. a strength in a SWOT); returns the item's id. */
export function addGridItem(
  doc: Y.Doc,
  id: ExerciseId,
  questionId: string,
  cellId: string,
  text: string,
  actor: Actor,
  now: number = Date.now(),
): string {
  const { ctx, q } = answering(doc, id, questionId, 'grid');
  if (!q.cells.some((c) => c.id === cellId))
    throw new ExerciseError('bad-value', 'Cette case ne fait pas partie de la grille.');
  const clean = cleanAnswerText(text, 'Écrivez un texte avant de l’ajouter.');
  const itemId = newId();
  answer(doc, ctx, actor, questionId, now, () => {
    ctx.answers.set(`g/${questionId}/${itemId}`, { cellId, at: now, by: actorCopy(actor) });
    ctx.answers.set(`g/${questionId}/${itemId}/text`, clean);
  });
  return itemId;
}

function requireItem(ctx: Context, key: string, message: string): void {
  if (!isPlain(ctx.answers.get(key))) throw new ExerciseError('not-found', message);
}

export function updateGridItem(
  doc: Y.Doc,
  id: ExerciseId,
  questionId: string,
  itemId: string,
  text: string,
  actor: Actor,
  now: number = Date.now(),
): void {
  const { ctx } = answering(doc, id, questionId, 'grid');
  requireItem(ctx, `g/${questionId}/${itemId}`, 'Cette note n’existe plus.');
  const clean = cleanAnswerText(text, 'Le texte ne peut pas être vide.');
  setAnswer(doc, ctx, `g/${questionId}/${itemId}/text`, clean, actor, questionId, now);
}

export function removeGridItem(
  doc: Y.Doc,
  id: ExerciseId,
  questionId: string,
  itemId: string,
  actor: Actor,
  now: number = Date.now(),
): void {
  const { ctx } = answering(doc, id, questionId, 'grid');
  const key = `g/${questionId}/${itemId}`;
  if (!ctx.answers.has(key)) return;
  answer(doc, ctx, actor, questionId, now, () => {
    ctx.answers.delete(key);
    ctx.answers.delete(`${key}/text`);
  });
}

export interface TimelineEvent {
  id: string;
  /** 'YYYY' or 'YYYY-MM'. */
  date: string;
  label: string;
  feeling: 'positive' | 'neutral' | 'negative';
}

const FEELINGS: readonly TimelineEvent['feeling'][] = ['positive', 'neutral', 'negative'];
const DATE_PATTERN = /^[12]\d{3}(-(0[1-9]|1[0-2]))?$/;
const TIMELINE_FIELDS = ['date', 'label', 'feeling'] as const;

function cleanDate(value: unknown): string {
  const date = typeof value === 'string' ? value.trim() : '';
  if (!date) throw new ExerciseError('empty', 'Indiquez la date de l’événement.');
  if (!DATE_PATTERN.test(date))
    throw new ExerciseError(
      'bad-value',
      'Indiquez une date au format AAAA ou AAAA-MM (par exemple 2015 ou 2015-09).',
    );
  return date;
}

function cleanEventLabel(value: unknown): string {
  const label = typeof value === 'string' ? oneLine(value) : '';
  if (!label) throw new ExerciseError('empty', 'Décrivez l’événement.');
  if (label.length > EXERCISE_LIMITS.label)
    throw new ExerciseError(
      'too-long',
      `Le libellé d’un événement ne peut pas dépasser ${EXERCISE_LIMITS.label} caractères.`,
    );
  return label;
}

function cleanFeeling(value: unknown): TimelineEvent['feeling'] {
  if (!FEELINGS.includes(value as TimelineEvent['feeling']))
    throw new ExerciseError('bad-value', 'Choisissez un ressenti : positif, neutre ou négatif.');
  return value as TimelineEvent['feeling'];
}

/** Adds a life event to a timeline question; returns its id. */
export function addTimelineEvent(
  doc: Y.Doc,
  id: ExerciseId,
  questionId: string,
  event: Omit<TimelineEvent, 'id'>,
  actor: Actor,
  now: number = Date.now(),
): string {
  const { ctx } = answering(doc, id, questionId, 'timeline');
  const clean = {
    date: cleanDate(event.date),
    label: cleanEventLabel(event.label),
    feeling: cleanFeeling(event.feeling),
  };
  const eventId = newId();
  const base = `t/${questionId}/${eventId}`;
  answer(doc, ctx, actor, questionId, now, () => {
    ctx.answers.set(base, { at: now, by: actorCopy(actor) });
    for (const field of TIMELINE_FIELDS) ctx.answers.set(`${base}/${field}`, clean[field]);
  });
  return eventId;
}

/** Changes some fields of an event; concurrent changes of different fields both stay. */
export function updateTimelineEvent(
  doc: Y.Doc,
  id: ExerciseId,
  questionId: string,
  eventId: string,
  patch: Partial<Omit<TimelineEvent, 'id'>>,
  actor: Actor,
  now: number = Date.now(),
): void {
  const { ctx } = answering(doc, id, questionId, 'timeline');
  const base = `t/${questionId}/${eventId}`;
  requireItem(ctx, base, 'Cet événement n’existe plus.');
  const clean: Partial<Omit<TimelineEvent, 'id'>> = {};
  if (patch.date !== undefined) clean.date = cleanDate(patch.date);
  if (patch.label !== undefined) clean.label = cleanEventLabel(patch.label);
  if (patch.feeling !== undefined) clean.feeling = cleanFeeling(patch.feeling);
  const changed = TIMELINE_FIELDS.filter(
    (f) => clean[f] !== undefined && ctx.answers.get(`${base}/${f}`) !== clean[f],
  );
  if (changed.length === 0) return;
  answer(doc, ctx, actor, questionId, now, () => {
    for (const field of changed) ctx.answers.set(`${base}/${field}`, clean[field]);
  });
}

export function removeTimelineEvent(
  doc: Y.Doc,
  id: ExerciseId,
  questionId: string,
  eventId: string,
  actor: Actor,
  now: number = Date.now(),
): void {
  const { ctx } = answering(doc, id, questionId, 'timeline');
  const base = `t/${questionId}/${eventId}`;
  if (!ctx.answers.has(base)) return;
  answer(doc, ctx, actor, questionId, now, () => {
    ctx.answers.delete(base);
    for (const field of TIMELINE_FIELDS) ctx.answers.delete(`${base}/${field}`);
  });
}

/** Records that a rich-text answer changed (the UI calls it on blur / debounced), for the history. */
export function noteTextAnswered(
  doc: Y.Doc,
  id: ExerciseId,
  questionId: string,
  actor: Actor,
  now: number = Date.now(),
): void {
  const { ctx } = answering(doc, id, questionId, 'text');
  answer(doc, ctx, actor, questionId, now, () => {});
}

export interface GridItem {
  id: string;
  cellId: string;
  text: string;
  by: Actor;
}

export interface ExerciseAnswers {
  /** questionId → optionId */
  single: Record<string, string | null>;
  /** questionId → checked optionIds, in definition order */
  multiple: Record<string, string[]>;
  scale: Record<string, number | null>;
  /** questionId → ALL cardIds, ranked order (unmoved cards keep definition order) */
  ranking: Record<string, string[]>;
  /** questionId → items (by creation time then id) */
  grid: Record<string, GridItem[]>;
  /** questionId → events sorted by date then label then id */
  timeline: Record<string, TimelineEvent[]>;
}

const emptyAnswers = (): ExerciseAnswers => ({
  single: {},
  multiple: {},
  scale: {},
  ranking: {},
  grid: {},
  timeline: {},
});

const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The answers to every non-text question, checked against the definition (unknown values are ignored). */
export function readAnswers(doc: Y.Doc, id: ExerciseId): ExerciseAnswers {
  const out = emptyAnswers();
  const ctx = context(doc, id);
  if (!ctx) return out;
  const { answers } = ctx;
  // Grid items and timeline events are found by one pass over the keys.
  const gridKeys = new Map<string, { id: string; base: Plain }[]>();
  const eventKeys = new Map<string, { id: string; base: Plain }[]>();
  answers.forEach((value, key) => {
    const parts = key.split('/');
    if (parts.length !== 3 || !isPlain(value)) return;
    const bucket = parts[0] === 'g' ? gridKeys : parts[0] === 't' ? eventKeys : null;
    if (!bucket) return;
    const list = bucket.get(parts[1]!) ?? [];
    list.push({ id: parts[2]!, base: value });
    bucket.set(parts[1]!, list);
  });
  for (const q of ctx.definition.questions) {
    switch (q.type) {
      case 'text':
        break;
      case 'single': {
        const v = answers.get(`s/${q.id}`);
        out.single[q.id] = q.options.some((o) => o.id === v) ? (v as string) : null;
        break;
      }
      case 'multiple':
        out.multiple[q.id] = q.options
          .filter((o) => answers.get(`m/${q.id}/${o.id}`) === true)
          .map((o) => o.id);
        break;
      case 'scale': {
        const v = answers.get(`n/${q.id}`);
        out.scale[q.id] =
          Number.isInteger(v) && (v as number) >= q.min && (v as number) <= q.max ? (v as number) : null;
        break;
      }
      case 'ranking':
        out.ranking[q.id] = rankedCards(ctx, q).map((c) => c.id);
        break;
      case 'grid': {
        const cells = new Set(q.cells.map((c) => c.id));
        const items: (GridItem & { at: number })[] = [];
        for (const { id: itemId, base } of gridKeys.get(q.id) ?? []) {
          const text = answers.get(`g/${q.id}/${itemId}/text`);
          const { cellId, at, by } = base;
          if (typeof cellId !== 'string' || !cells.has(cellId) || !isTime(at) || !isActor(by)) continue;
          items.push({
            id: itemId,
            cellId,
            text: typeof text === 'string' ? text : '',
            by: actorCopy(by),
            at,
          });
        }
        out.grid[q.id] = items
          .sort((a, b) => a.at - b.at || byId(a, b))
          .map(({ id: itemId, cellId, text, by }) => ({ id: itemId, cellId, text, by }));
        break;
      }
      case 'timeline': {
        const events: TimelineEvent[] = [];
        for (const { id: eventId } of eventKeys.get(q.id) ?? []) {
          const base = `t/${q.id}/${eventId}`;
          const date = answers.get(`${base}/date`);
          const label = answers.get(`${base}/label`);
          const feeling = answers.get(`${base}/feeling`);
          if (typeof date !== 'string' || !DATE_PATTERN.test(date) || typeof label !== 'string') continue;
          if (!FEELINGS.includes(feeling as TimelineEvent['feeling'])) continue;
          events.push({ id: eventId, date, label, feeling: feeling as TimelineEvent['feeling'] });
        }
        out.timeline[q.id] = events.sort(
          (a, b) =>
            (a.date !== b.date ? (a.date < b.date ? -1 : 1) : 0) ||
            compareLabels(a.label, b.label) ||
            byId(a, b),
        );
        break;
      }
    }
  }
  return out;
}

/** Label order for events of the same date; code-unit order so that every peer sorts alike. */
const compareLabels = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Whether a question has an answer (a ranking counts once a card has been placed). */
export function isAnswered(doc: Y.Doc, id: ExerciseId, question: Question): boolean {
  const ctx = context(doc, id);
  if (!ctx) return false;
  const q = ctx.definition.questions.find((x) => x.id === question.id && x.type === question.type);
  if (!q) return false;
  switch (q.type) {
    case 'text':
      return notesText(doc.getXmlFragment(fragmentName(id, q.id))).length > 0;
    case 'ranking':
      return q.cards.some((c) => isOrderKey(ctx.answers.get(`r/${q.id}/${c.id}`)));
    default: {
      const answers = readAnswers(doc, id);
      switch (q.type) {
        case 'single':
          return answers.single[q.id] != null;
        case 'multiple':
          return (answers.multiple[q.id] ?? []).length > 0;
        case 'scale':
          return answers.scale[q.id] != null;
        case 'grid':
          return (answers.grid[q.id] ?? []).length > 0;
        case 'timeline':
          return (answers.timeline[q.id] ?? []).length > 0;
      }
    }
  }
}

/** The learner hands the exercise in (the coach is told; the UI shows it read-only until reopened). */
export function submitExercise(doc: Y.Doc, id: ExerciseId, actor: Actor, now: number = Date.now()): void {
  const ctx = open(doc, id);
  const rec = recordOf(doc, id)!;
  if (rec.get('status') === 'submitted') return;
  doc.transact(() => {
    rec.set('status', 'submitted');
    rec.set('submittedAt', now);
    ctx.history.push([{ at: now, by: actorCopy(actor), kind: 'submitted' }]);
  });
}

export function reopenExercise(doc: Y.Doc, id: ExerciseId, actor: Actor, now: number = Date.now()): void {
  const ctx = open(doc, id);
  const rec = recordOf(doc, id)!;
  if (rec.get('status') !== 'submitted') return;
  doc.transact(() => {
    rec.set('status', 'in_progress');
    rec.set('submittedAt', null);
    ctx.history.push([{ at: now, by: actorCopy(actor), kind: 'reopened' }]);
  });
}

// ——— Comments ———————————————————————————————————————————————————————————————————————————————————

export interface ExerciseComment {
  id: string;
  at: number;
  by: Actor;
  questionId: string;
  text: string;
}

export const COMMENT_MAX = 2000;

/** A comment next to an answer (the coach comments, the learner answers back). Text trimmed, 1–2000 characters. */
export function addExerciseComment(
  doc: Y.Doc,
  id: ExerciseId,
  questionId: string,
  actor: Actor,
  text: string,
  now: number = Date.now(),
): ExerciseComment {
  const ctx = open(doc, id);
  findQuestion(ctx, questionId);
  const clean = typeof text === 'string' ? text.trim() : '';
  if (!clean) throw new ExerciseError('empty', 'Écrivez un commentaire avant de l’envoyer.');
  if (clean.length > COMMENT_MAX)
    throw new ExerciseError('too-long', `Un commentaire ne peut pas dépasser ${COMMENT_MAX} caractères.`);
  const comment: ExerciseComment = { id: newId(), at: now, by: actorCopy(actor), questionId, text: clean };
  doc.transact(() => {
    ctx.comments.push([comment]);
    ctx.history.push([{ at: now, by: actorCopy(actor), kind: 'commented', questionId }]);
  });
  return { ...comment, by: actorCopy(comment.by) };
}

function isComment(value: unknown): value is ExerciseComment {
  return (
    isPlain(value) &&
    typeof value.id === 'string' &&
    isTime(value.at) &&
    isActor(value.by) &&
    typeof value.questionId === 'string' &&
    typeof value.text === 'string'
  );
}

/** Comments (of one question, or all), by time then log order (the same on every peer once synced). */
export function listExerciseComments(doc: Y.Doc, id: ExerciseId, questionId?: string): ExerciseComment[] {
  const ctx = context(doc, id);
  if (!ctx) return [];
  return ctx.comments
    .toArray()
    .map((entry, index) => ({ entry, index }))
    .filter((e): e is { entry: ExerciseComment; index: number } => isComment(e.entry))
    .filter(({ entry }) => questionId === undefined || entry.questionId === questionId)
    .sort((a, b) => a.entry.at - b.entry.at || a.index - b.index)
    .map(({ entry: c }) => ({
      id: c.id,
      at: c.at,
      by: actorCopy(c.by),
      questionId: c.questionId,
      text: c.text,
    }));
}

// ——— History ————————————————————————————————————————————————————————————————————————————————————

export type ExerciseEventKind = 'placed' | 'answered' | 'submitted' | 'reopened' | 'commented';

export interface ExerciseEvent {
  at: number;
  by: Actor;
  kind: ExerciseEventKind;
  questionId?: string;
}

const EVENT_KINDS: readonly ExerciseEventKind[] = [
  'placed',
  'answered',
  'submitted',
  'reopened',
  'commented',
];

/** Answers typed in a row by one person make one history entry, not one per keystroke or click. */
export const ANSWER_COALESCE_MS = 10 * 60_000;

function readHistory(history: Y.Array<unknown>): ExerciseEvent[] {
  return history
    .toArray()
    .map((entry, index) => ({ entry, index }))
    .filter(
      (e): e is { entry: Plain & { at: number; by: Actor; kind: ExerciseEventKind }; index: number } =>
        isPlain(e.entry) &&
        isTime(e.entry.at) &&
        isActor(e.entry.by) &&
        EVENT_KINDS.includes(e.entry.kind as ExerciseEventKind),
    )
    .sort((a, b) => a.entry.at - b.entry.at || a.index - b.index)
    .map(({ entry }) => ({
      at: entry.at,
      by: actorCopy(entry.by),
      kind: entry.kind,
      ...(typeof entry.questionId === 'string' ? { questionId: entry.questionId } : {}),
    }));
}

/** Appends an 'answered' entry unless the last entry is the same person on the same question a moment ago. */
function answered(ctx: Context, actor: Actor, questionId: string, now: number): void {
  const last = readHistory(ctx.history).at(-1);
  if (
    last?.kind === 'answered' &&
    last.by.id === actor.id &&
    last.questionId === questionId &&
    now >= last.at &&
    now - last.at < ANSWER_COALESCE_MS
  )
    return;
  ctx.history.push([{ at: now, by: actorCopy(actor), kind: 'answered', questionId }]);
}

/** What changed, when, by whom; oldest first. */
export function exerciseHistory(doc: Y.Doc, id: ExerciseId): ExerciseEvent[] {
  const ctx = context(doc, id);
  return ctx ? readHistory(ctx.history) : [];
}

/** Fires on any change to any exercise (placement, answers, comments, history, text answers). */
export function observeExercises(doc: Y.Doc, onChange: () => void): () => void {
  const handler = (tr: Y.Transaction): void => {
    if (tr.changed.size === 0) return;
    // Text answers are root fragments, possibly not yet instantiated here: match roots by name.
    const roots = new Set<unknown>();
    doc.share.forEach((type, name) => {
      if (name === ROOT.exercises || name.startsWith(ROOT.exerciseAnswerPrefix)) roots.add(type);
    });
    for (const changed of tr.changed.keys()) {
      let type = changed;
      while (type._item && type._item.parent instanceof Y.AbstractType) type = type._item.parent;
      if (roots.has(type)) return onChange();
    }
  };
  doc.on('afterTransaction', handler);
  return () => doc.off('afterTransaction', handler);
}
