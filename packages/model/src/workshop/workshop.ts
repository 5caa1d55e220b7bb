import { generateKeyBetween } from 'fractional-indexing';
import * as Y from 'yjs';
import { newId, type UserId, type WorkshopId } from '../ids/ids.ts';
import type { Actor } from '../adaptation/adaptation.ts';
import { WORKSHOP_ROOT } from '../schema/keys.ts';

/**
 * A workshop (atelier collectif): a coach and several learners share one document — a board of sticky notes in
 * columns, poll definitions, individual prompts, a rich-text document and a message thread (`ROOT.messages`,
 * read and written with the messages module). Each participant's answers to the prompts live in a separate
 * private document that only they and the coach receive.
 */

/** Names of a workshop's documents, as synced over `/sync/:docName`. */
export function workshopDocNames(id: WorkshopId): { shared: string } {
  return { shared: `${id}.workshop` };
}

/** The private answers document of one participant of a workshop. */
export function workshopAnswersDocName(id: WorkshopId, userId: UserId): string {
  return `${id}.answers.${userId}`;
}

const UUID = '[0-9a-f-]{36}';
const SHARED_NAME = new RegExp(`^(${UUID})\\.workshop$`);
const ANSWERS_NAME = new RegExp(`^(${UUID})\\.answers\\.(${UUID})$`);

export function parseWorkshopDocName(
  name: string,
):
  | { workshopId: WorkshopId; role: 'workshop' }
  | { workshopId: WorkshopId; role: 'answers'; userId: UserId }
  | null {
  const shared = SHARED_NAME.exec(name);
  if (shared) return { workshopId: shared[1] as WorkshopId, role: 'workshop' };
  const answers = ANSWERS_NAME.exec(name);
  if (answers) return { workshopId: answers[1] as WorkshopId, role: 'answers', userId: answers[2] as UserId };
  return null;
}

/** A change to a workshop was refused; the message is meant for the user, in French. */
export class WorkshopError extends Error {
  readonly code: 'empty' | 'too-long' | 'not-found' | 'invalid';
  constructor(code: WorkshopError['code'], message: string) {
    super(message);
    this.name = 'WorkshopError';
    this.code = code;
  }
}

export const WORKSHOP_TITLE_MAX = 200;
export const COLUMN_TITLE_MAX = 100;
export const NOTE_MAX = 500;
export const POLL_QUESTION_MAX = 500;
export const POLL_OPTION_MAX = 200;
export const POLL_OPTIONS_MIN = 2;
export const POLL_OPTIONS_MAX = 10;
export const WORKSHOP_PROMPT_MAX = 2000;
export const ANSWER_MAX = 2000;

export const NOTE_COLORS = ['yellow', 'blue', 'green', 'pink'] as const;

export interface BoardColumn {
  id: string;
  title: string;
  order: string;
}

export interface BoardNote {
  id: string;
  columnId: string;
  text: string;
  order: string;
  by: Actor;
  color: 'yellow' | 'blue' | 'green' | 'pink';
  /** Set when the note is a participant's answer to a prompt, shared on the board. */
  fromPromptId?: string;
}

export interface Board {
  columns: (BoardColumn & { notes: BoardNote[] })[];
}

export interface PollDefinition {
  id: string;
  question: string;
  options: { id: string; label: string }[];
  createdAt: number;
  closed: boolean;
}

export interface WorkshopPrompt {
  id: string;
  text: string;
  order: string;
}

export interface PrivateAnswer {
  text: string;
  updatedAt: number;
  /** When the participant last copied this answer onto the board; null while it stays private. */
  sharedAt: number | null;
}

type Rec = Y.Map<unknown>;

const metaMap = (doc: Y.Doc): Y.Map<unknown> => doc.getMap(WORKSHOP_ROOT.meta);
const columnsMap = (doc: Y.Doc): Y.Map<Rec> => doc.getMap(WORKSHOP_ROOT.boardColumns);
const notesMap = (doc: Y.Doc): Y.Map<Rec> => doc.getMap(WORKSHOP_ROOT.boardNotes);
const pollsMap = (doc: Y.Doc): Y.Map<Rec> => doc.getMap(WORKSHOP_ROOT.polls);
const promptsMap = (doc: Y.Doc): Y.Map<Rec> => doc.getMap(WORKSHOP_ROOT.prompts);
const answersMap = (doc: Y.Doc): Y.Map<Rec> => doc.getMap(WORKSHOP_ROOT.answers);

function byOrder<T extends { order: string; id: string }>(a: T, b: T): number {
  // Two peers inserting at the same place concurrently can pick the same key: the id breaks the tie
  // identically everywhere.
  if (a.order !== b.order) return a.order < b.order ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** A key strictly between the neighbours around `index` in `sorted`; tied neighbours are skipped. */
function keyAt(sorted: { order: string }[], index: number): string {
  const before = index > 0 ? sorted[index - 1]!.order : null;
  let j = index;
  while (before !== null && j < sorted.length && sorted[j]!.order <= before) j++;
  const after = j < sorted.length ? sorted[j]!.order : null;
  return generateKeyBetween(before, after);
}

function clampIndex(index: number, length: number): number {
  return Number.isFinite(index) ? Math.max(0, Math.min(length, Math.trunc(index))) : length;
}

/** Collapses whitespace and trims; throws a French error when empty or over `max`. */
function cleanLine(text: string, max: number, what: string): string {
  const t = String(text).replace(/\s+/g, ' ').trim();
  if (!t) throw new WorkshopError('empty', `${what} ne peut pas être vide.`);
  if (t.length > max) throw new WorkshopError('too-long', `${what} ne peut pas dépasser ${max} caractères.`);
  return t;
}

/** Trims a multi-line text (line breaks are kept, a sticky note or a prompt may have several lines). */
function cleanText(text: string, max: number, what: string): string {
  const t = String(text).trim();
  if (!t) throw new WorkshopError('empty', `${what} ne peut pas être vide.`);
  if (t.length > max) throw new WorkshopError('too-long', `${what} ne peut pas dépasser ${max} caractères.`);
  return t;
}

function isColor(value: unknown): value is BoardNote['color'] {
  return typeof value === 'string' && (NOTE_COLORS as readonly string[]).includes(value);
}

// ——— Title and default board ———

/**
 * Default columns have fixed ids, so two peers initialising the same empty document converge to the same
 * three columns instead of six.
 */
const DEFAULT_COLUMNS: BoardColumn[] = [
  { id: 'col-idees', title: 'Idées', order: 'a0' },
  { id: 'col-questions', title: 'Questions', order: 'a1' },
  { id: 'col-a-retenir', title: 'À retenir', order: 'a2' },
];

/** Writes the initial state of a new workshop (done by the server); a second call changes nothing. */
export function initWorkshopDoc(doc: Y.Doc, title: string): void {
  const clean = cleanLine(title, WORKSHOP_TITLE_MAX, 'Le titre de l’atelier');
  doc.transact(() => {
    if (typeof metaMap(doc).get('title') !== 'string') metaMap(doc).set('title', clean);
    if (columnsMap(doc).size > 0) return;
    for (const column of DEFAULT_COLUMNS) {
      const rec = new Y.Map<unknown>();
      rec.set('title', column.title);
      rec.set('order', column.order);
      columnsMap(doc).set(column.id, rec);
    }
  });
}

export function readWorkshopTitle(doc: Y.Doc): string {
  const title = metaMap(doc).get('title');
  return typeof title === 'string' ? title : '';
}

// ——— Board ———

function readColumn(id: string, rec: Rec): BoardColumn | null {
  const order = rec.get('order');
  if (typeof order !== 'string') return null;
  const title = rec.get('title');
  return { id, title: typeof title === 'string' ? title : '', order };
}

function readActor(value: unknown): Actor {
  if (value !== null && typeof value === 'object') {
    const a = value as Partial<Record<keyof Actor, unknown>>;
    if (typeof a.id === 'string' && typeof a.name === 'string')
      return { id: a.id as UserId, name: a.name, role: a.role === 'coach' ? 'coach' : 'learner' };
  }
  return { id: '' as UserId, name: '', role: 'learner' };
}

function readNote(id: string, rec: Rec): BoardNote | null {
  const columnId = rec.get('columnId');
  const order = rec.get('order');
  if (typeof columnId !== 'string' || typeof order !== 'string') return null;
  const text = rec.get('text');
  const color = rec.get('color');
  const fromPromptId = rec.get('fromPromptId');
  return {
    id,
    columnId,
    text: typeof text === 'string' ? text : '',
    order,
    by: readActor(rec.get('by')),
    color: isColor(color) ? color : 'yellow',
    ...(typeof fromPromptId === 'string' ? { fromPromptId } : {}),
  };
}

function listColumns(doc: Y.Doc): BoardColumn[] {
  const out: BoardColumn[] = [];
  columnsMap(doc).forEach((rec, id) => {
    const c = rec instanceof Y.Map ? readColumn(id, rec) : null;
    if (c) out.push(c);
  });
  return out.sort(byOrder);
}

function listNotes(doc: Y.Doc): BoardNote[] {
  const out: BoardNote[] = [];
  notesMap(doc).forEach((rec, id) => {
    const n = rec instanceof Y.Map ? readNote(id, rec) : null;
    if (n) out.push(n);
  });
  return out.sort(byOrder);
}

/** The board as the UI shows it: columns in order, each with its notes in order. */
export function readBoard(doc: Y.Doc): Board {
  const columns = listColumns(doc);
  const notes = listNotes(doc);
  const known = new Set(columns.map((c) => c.id));
  return {
    columns: columns.map((column, i) => ({
      ...column,
      // A note whose column was removed by a peer meanwhile (offline) shows in the first column rather
      // than vanishing.
      notes: notes.filter((n) => n.columnId === column.id || (i === 0 && !known.has(n.columnId))),
    })),
  };
}

export function addColumn(doc: Y.Doc, title: string): string {
  const clean = cleanLine(title, COLUMN_TITLE_MAX, 'Le titre de la colonne');
  const columns = listColumns(doc);
  const id = newId<'ColumnId'>() as string;
  const rec = new Y.Map<unknown>();
  rec.set('title', clean);
  rec.set('order', keyAt(columns, columns.length));
  columnsMap(doc).set(id, rec);
  return id;
}

export function renameColumn(doc: Y.Doc, columnId: string, title: string): void {
  const clean = cleanLine(title, COLUMN_TITLE_MAX, 'Le titre de la colonne');
  const rec = columnsMap(doc).get(columnId);
  if (!rec) throw new WorkshopError('not-found', 'Cette colonne n’existe plus.');
  rec.set('title', clean);
}

/**
 * Removes a column and its notes. The last column cannot be removed: notes added meanwhile by a peer still
 * need a column to show in.
 */
export function removeColumn(doc: Y.Doc, columnId: string): void {
  if (!columnsMap(doc).has(columnId)) return;
  if (listColumns(doc).length <= 1)
    throw new WorkshopError('invalid', 'Le tableau doit garder au moins une colonne.');
  doc.transact(() => {
    notesMap(doc).forEach((rec, id) => {
      if (rec instanceof Y.Map && rec.get('columnId') === columnId) notesMap(doc).delete(id);
    });
    columnsMap(doc).delete(columnId);
  });
}

export function addNote(
  doc: Y.Doc,
  input: {
    columnId: string;
    text: string;
    actor: Actor;
    color?: BoardNote['color'];
    fromPromptId?: string;
  },
): string {
  const text = cleanText(input.text, NOTE_MAX, 'Une note');
  if (!columnsMap(doc).has(input.columnId))
    throw new WorkshopError('not-found', 'Cette colonne n’existe plus.');
  const color = input.color ?? 'yellow';
  if (!isColor(color)) throw new WorkshopError('invalid', 'Couleur de note inconnue.');
  const siblings = listNotes(doc).filter((n) => n.columnId === input.columnId);
  const id = newId<'NoteId'>() as string;
  const rec = new Y.Map<unknown>();
  rec.set('columnId', input.columnId);
  // A whole-string value: two concurrent edits of one note keep one of the two texts, never a mix of both.
  rec.set('text', text);
  rec.set('order', keyAt(siblings, siblings.length));
  rec.set('by', { id: input.actor.id, name: input.actor.name, role: input.actor.role });
  rec.set('color', color);
  if (input.fromPromptId) rec.set('fromPromptId', input.fromPromptId);
  notesMap(doc).set(id, rec);
  return id;
}

export function editNote(doc: Y.Doc, noteId: string, text: string): void {
  const clean = cleanText(text, NOTE_MAX, 'Une note');
  const rec = notesMap(doc).get(noteId);
  if (!rec) throw new WorkshopError('not-found', 'Cette note a été supprimée.');
  rec.set('text', clean);
}

/** Moves a note to `index` among the notes of the target column (counted without the moved note). */
export function moveNote(doc: Y.Doc, noteId: string, target: { columnId: string; index: number }): void {
  const rec = notesMap(doc).get(noteId);
  if (!rec) throw new WorkshopError('not-found', 'Cette note a été supprimée.');
  if (!columnsMap(doc).has(target.columnId))
    throw new WorkshopError('not-found', 'Cette colonne n’existe plus.');
  const siblings = listNotes(doc).filter((n) => n.columnId === target.columnId && n.id !== noteId);
  const order = keyAt(siblings, clampIndex(target.index, siblings.length));
  doc.transact(() => {
    rec.set('columnId', target.columnId);
    rec.set('order', order);
  });
}

/** Removes a note; removing a note already gone (a peer was faster) is not an error. */
export function removeNote(doc: Y.Doc, noteId: string): void {
  notesMap(doc).delete(noteId);
}

// ——— Polls (definitions; votes are kept by the server) ———

function readPoll(id: string, rec: Rec): PollDefinition | null {
  const question = rec.get('question');
  const options = rec.get('options');
  const createdAt = rec.get('createdAt');
  if (typeof question !== 'string' || !Array.isArray(options) || typeof createdAt !== 'number') return null;
  return {
    id,
    question,
    options: (options as unknown[])
      .filter(
        (o): o is { id: string; label: string } =>
          o !== null &&
          typeof o === 'object' &&
          typeof (o as { id?: unknown }).id === 'string' &&
          typeof (o as { label?: unknown }).label === 'string',
      )
      .map((o) => ({ id: o.id, label: o.label })),
    createdAt,
    closed: rec.get('closed') === true,
  };
}

/** Adds a poll of 2–10 options (labels trimmed, duplicates refused); answers its id. */
export function addPoll(doc: Y.Doc, question: string, options: string[], now: number = Date.now()): string {
  const q = cleanText(question, POLL_QUESTION_MAX, 'La question');
  const labels = options.map((o) => String(o).replace(/\s+/g, ' ').trim()).filter((o) => o.length > 0);
  if (labels.length < POLL_OPTIONS_MIN || labels.length > POLL_OPTIONS_MAX)
    throw new WorkshopError(
      'invalid',
      `Un sondage propose entre ${POLL_OPTIONS_MIN} et ${POLL_OPTIONS_MAX} réponses.`,
    );
  if (labels.some((l) => l.length > POLL_OPTION_MAX))
    throw new WorkshopError('too-long', `Une réponse ne peut pas dépasser ${POLL_OPTION_MAX} caractères.`);
  if (new Set(labels.map((l) => l.toLocaleLowerCase('fr'))).size !== labels.length)
    throw new WorkshopError('invalid', 'Deux réponses du sondage sont identiques.');
  const id = newId<'PollId'>() as string;
  const rec = new Y.Map<unknown>();
  rec.set('question', q);
  // Option ids are positions: stable, short, and the definition is never edited after creation.
  rec.set(
    'options',
    labels.map((label, i) => ({ id: `o${i + 1}`, label })),
  );
  rec.set('createdAt', now);
  rec.set('closed', false);
  pollsMap(doc).set(id, rec);
  return id;
}

/** Closes a poll: the server refuses further votes (its results stay readable). */
export function closePoll(doc: Y.Doc, pollId: string): void {
  const rec = pollsMap(doc).get(pollId);
  if (!rec) throw new WorkshopError('not-found', 'Ce sondage n’existe plus.');
  rec.set('closed', true);
}

/** Polls, oldest first. */
export function listPolls(doc: Y.Doc): PollDefinition[] {
  const out: PollDefinition[] = [];
  pollsMap(doc).forEach((rec, id) => {
    const p = rec instanceof Y.Map ? readPoll(id, rec) : null;
    if (p) out.push(p);
  });
  return out.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Clients bump this after voting so that every participant refetches the (anonymous) results. */
export function bumpPollRevision(doc: Y.Doc, pollId: string): void {
  // A random value rather than a counter: two concurrent bumps must still change what everyone reads.
  pollsMap(doc).get(pollId)?.set('revision', newId());
}

/** Changes whenever someone bumps the poll; '' before the first vote. */
export function pollRevision(doc: Y.Doc, pollId: string): string {
  const revision = pollsMap(doc).get(pollId)?.get('revision');
  return typeof revision === 'string' ? revision : '';
}

// ——— Prompts (questions each participant answers privately) ———

export function addPrompt(doc: Y.Doc, text: string): string {
  const clean = cleanText(text, WORKSHOP_PROMPT_MAX, 'La consigne');
  const prompts = listPrompts(doc);
  const id = newId<'PromptId'>() as string;
  const rec = new Y.Map<unknown>();
  rec.set('text', clean);
  rec.set('order', keyAt(prompts, prompts.length));
  promptsMap(doc).set(id, rec);
  return id;
}

export function listPrompts(doc: Y.Doc): WorkshopPrompt[] {
  const out: WorkshopPrompt[] = [];
  promptsMap(doc).forEach((rec, id) => {
    if (!(rec instanceof Y.Map)) return;
    const text = rec.get('text');
    const order = rec.get('order');
    if (typeof text === 'string' && typeof order === 'string') out.push({ id, text, order });
  });
  return out.sort(byOrder);
}

/** Removes a prompt; answers already written stay in the participants' private documents. */
export function removePrompt(doc: Y.Doc, id: string): void {
  promptsMap(doc).delete(id);
}

// ——— Shared document and observation ———

/** The workshop's shared rich text, bound with y-prosemirror. */
export function workshopDocument(doc: Y.Doc): Y.XmlFragment {
  return doc.getXmlFragment(WORKSHOP_ROOT.document);
}

/**
 * Calls `onChange` after any change to the title, board, polls or prompts (local or remote); the message
 * thread has `observeMessages`, the rich-text document its editor binding.
 */
export function observeWorkshop(doc: Y.Doc, onChange: () => void): () => void {
  const types = [metaMap(doc), columnsMap(doc), notesMap(doc), pollsMap(doc), promptsMap(doc)];
  const handler = (): void => onChange();
  for (const t of types) t.observeDeep(handler);
  return () => {
    for (const t of types) t.unobserveDeep(handler);
  };
}

// ——— Private answers (participant + coach only) ———

/** Writes the participant's answer to a prompt (kept as typed, so it can be saved on every keystroke). */
export function setPrivateAnswer(doc: Y.Doc, promptId: string, text: string, now: number = Date.now()): void {
  if (!promptId) throw new WorkshopError('invalid', 'Consigne inconnue.');
  const value = String(text);
  if (value.length > ANSWER_MAX)
    throw new WorkshopError('too-long', `Une réponse ne peut pas dépasser ${ANSWER_MAX} caractères.`);
  doc.transact(() => {
    let rec = answersMap(doc).get(promptId);
    if (!(rec instanceof Y.Map)) {
      rec = new Y.Map<unknown>();
      rec.set('sharedAt', null);
      answersMap(doc).set(promptId, rec);
    }
    rec.set('text', value);
    rec.set('updatedAt', now);
  });
}

export function readPrivateAnswers(doc: Y.Doc): Record<string, PrivateAnswer> {
  const out: Record<string, PrivateAnswer> = {};
  answersMap(doc).forEach((rec, promptId) => {
    if (!(rec instanceof Y.Map)) return;
    const text = rec.get('text');
    const updatedAt = rec.get('updatedAt');
    const sharedAt = rec.get('sharedAt');
    if (typeof text !== 'string') return;
    out[promptId] = {
      text,
      updatedAt: typeof updatedAt === 'number' ? updatedAt : 0,
      sharedAt: typeof sharedAt === 'number' ? sharedAt : null,
    };
  });
  return out;
}

/** Records that the participant shared this answer; the UI then copies it onto the board with `addNote`. */
export function markAnswerShared(doc: Y.Doc, promptId: string, now: number = Date.now()): void {
  const rec = answersMap(doc).get(promptId);
  const text = rec instanceof Y.Map ? rec.get('text') : undefined;
  if (!(rec instanceof Y.Map) || typeof text !== 'string' || !text.trim())
    throw new WorkshopError('empty', 'Écrivez une réponse avant de la partager.');
  rec.set('sharedAt', now);
}

export function observePrivateAnswers(doc: Y.Doc, onChange: () => void): () => void {
  const answers = answersMap(doc);
  const handler = (): void => onChange();
  answers.observeDeep(handler);
  return () => answers.unobserveDeep(handler);
}
