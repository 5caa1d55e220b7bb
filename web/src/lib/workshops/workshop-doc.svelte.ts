// The shared document of a workshop as reactive state: title, board, polls and individual prompts. Reads go
// through the model on every change (local or remote); a change made here comes back through the observer
// like a remote one. Refusals (empty note, too long…) come back as the model's French message.
import {
  WorkshopError,
  addColumn,
  addNote,
  addPoll,
  addPrompt,
  closePoll,
  editNote,
  initWorkshopDoc,
  listPolls,
  listPrompts,
  moveNote,
  observeWorkshop,
  pollRevision,
  readBoard,
  readWorkshopTitle,
  removeColumn,
  removeNote,
  removePrompt,
  renameColumn,
  type Actor,
  type Board,
  type BoardNote,
  type Doc,
  type PollDefinition,
  type WorkshopPrompt,
} from '@compagnon/model';
import { m } from '../paraglide/messages.js';
import { stepTarget, type NoteDirection } from './logic.ts';

export type { NoteDirection };

export type Outcome<T = void> = { ok: true; value: T } | { ok: false; error: string };

/** Runs a model change; a WorkshopError becomes its message, anything else is a bug and is rethrown. */
export function attempt<T>(change: () => T): Outcome<T> {
  try {
    return { ok: true, value: change() };
  } catch (error) {
    if (error instanceof WorkshopError) return { ok: false, error: error.message };
    throw error;
  }
}

export class WorkshopDocState {
  /** '' until the document is initialised (by the server on creation). */
  title = $state('');
  board: Board = $state.raw({ columns: [] });
  /** Polls, oldest first. */
  polls: PollDefinition[] = $state.raw([]);
  /** The revision of each poll: changes after any vote, so results are fetched again. */
  revisions: Readonly<Record<string, string>> = $state.raw({});
  prompts: WorkshopPrompt[] = $state.raw([]);

  readonly doc: Doc;
  readonly #actor: () => Actor;
  readonly #stop: () => void;

  constructor(doc: Doc, actor: () => Actor) {
    this.doc = doc;
    this.#actor = actor;
    this.#read();
    this.#stop = observeWorkshop(doc, () => this.#read());
  }

  #read(): void {
    const doc = this.doc;
    this.title = readWorkshopTitle(doc);
    this.board = readBoard(doc);
    const polls = listPolls(doc);
    this.polls = polls;
    this.revisions = Object.fromEntries(polls.map((p) => [p.id, pollRevision(doc, p.id)]));
    this.prompts = listPrompts(doc);
  }

  /** Writes the initial title and columns when the server has not (a no-op on an initialised document). */
  initialise(title: string): void {
    if (this.title || !title.trim()) return;
    attempt(() => initWorkshopDoc(this.doc, title));
  }

  addNote(columnId: string, text: string, color: BoardNote['color'], fromPromptId?: string): Outcome<string> {
    return attempt(() =>
      addNote(this.doc, {
        columnId,
        text,
        actor: this.#actor(),
        color,
        ...(fromPromptId ? { fromPromptId } : {}),
      }),
    );
  }

  editNote(noteId: string, text: string): Outcome {
    return attempt(() => editNote(this.doc, noteId, text));
  }

  /** Moves a note one place: to the previous/next column (at the end), or up/down within its column. */
  step(noteId: string, direction: NoteDirection): Outcome<string | null> {
    const target = stepTarget(this.board, noteId, direction);
    if (target === 'gone') return { ok: false, error: m.workshop_note_gone() };
    if (target === null) return { ok: true, value: null };
    return attempt(() => {
      moveNote(this.doc, noteId, target);
      return target.columnId;
    });
  }

  removeNote(noteId: string): void {
    removeNote(this.doc, noteId);
  }

  addColumn(title: string): Outcome<string> {
    return attempt(() => addColumn(this.doc, title));
  }

  renameColumn(columnId: string, title: string): Outcome {
    return attempt(() => renameColumn(this.doc, columnId, title));
  }

  removeColumn(columnId: string): Outcome {
    return attempt(() => removeColumn(this.doc, columnId));
  }

  addPoll(question: string, options: string[]): Outcome<string> {
    return attempt(() => addPoll(this.doc, question, options));
  }

  closePoll(pollId: string): Outcome {
    return attempt(() => closePoll(this.doc, pollId));
  }

  addPrompt(text: string): Outcome<string> {
    return attempt(() => addPrompt(this.doc, text));
  }

  removePrompt(promptId: string): void {
    removePrompt(this.doc, promptId);
  }

  destroy(): void {
    this.#stop();
  }
}
