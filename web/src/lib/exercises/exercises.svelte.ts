// The exercises placed in the steps of a shared document, as reactive state. Reads go through the model on
// every change (local or remote, answers, comments, history and rich-text answers alike); writes call the
// model's functions with the signed-in person as the actor, and come back through the observer. Every
// change lands in the Y.Doc, which IndexedDB keeps on this device: filling in works offline.
import {
  ExerciseError,
  addExerciseComment,
  addGridItem,
  addTimelineEvent,
  answerTextFragment,
  exerciseHistory,
  isAnswered,
  listExerciseComments,
  listExercises,
  moveCard,
  noteTextAnswered,
  notesText,
  observeExercises,
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
  type Actor,
  type ExerciseAnswers,
  type ExerciseComment,
  type ExerciseDefinition,
  type ExerciseEvent,
  type ExerciseId,
  type PlacedExercise,
  type Question,
  type StepId,
  type TimelineEvent,
} from '@compagnon/model';
import type { Awareness } from 'y-protocols/awareness';
import type { XmlFragment } from 'yjs';
import type { DocConnection } from '../sync/doc-connection.svelte.ts';
import type { SyncStatus } from '../sync/sync-status.ts';

/** One placed exercise with everything shown of it. */
export interface ExerciseSnapshot {
  exercise: PlacedExercise;
  answers: ExerciseAnswers;
  /** questionId → plain text of a rich-text answer (what the coach reads). */
  texts: Record<string, string>;
  /** questionId → answered. */
  answered: Record<string, boolean>;
  comments: ExerciseComment[];
  history: ExerciseEvent[];
}

export type Outcome = { ok: true } | { ok: false; error: string };

/** Whether a question has an answer, from what was read already (the model's `isAnswered` reads it again). */
function answeredFrom(q: Question, answers: ExerciseAnswers, texts: Record<string, string>): boolean {
  switch (q.type) {
    case 'text':
      return (texts[q.id] ?? '').length > 0;
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
    case 'ranking':
      // Not readable from the order alone: the caller asks the model.
      return false;
  }
}

export class ExercisesState {
  /** Every placed exercise, by placement time. */
  all: ExerciseSnapshot[] = $state.raw([]);
  readonly #connection: DocConnection;
  readonly #actor: () => Actor;
  readonly #stop: () => void;
  /**
   * The definition last read of each exercise. A placed definition never changes, so the same objects are
   * handed out again: components given a question do not re-run (an editor would be rebuilt under the caret).
   */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a cache, never rendered
  readonly #definitions = new Map<string, { json: string; definition: ExerciseDefinition }>();

  constructor(connection: DocConnection, actor: () => Actor) {
    this.#connection = connection;
    this.#actor = actor;
    this.#read();
    this.#stop = observeExercises(connection.doc, () => this.#read());
  }

  #read(): void {
    const doc = this.#connection.doc;
    this.all = listExercises(doc).map((read) => {
      const exercise = this.#stable(read);
      const answers = readAnswers(doc, exercise.id);
      const texts: Record<string, string> = {};
      const answered: Record<string, boolean> = {};
      for (const q of exercise.definition.questions) {
        if (q.type === 'text') texts[q.id] = notesText(answerTextFragment(doc, exercise.id, q.id));
        // A ranking left in the coach's order reads the same as an untouched one: the model knows.
        answered[q.id] =
          q.type === 'ranking' ? isAnswered(doc, exercise.id, q) : answeredFrom(q, answers, texts);
      }
      return {
        exercise,
        answers,
        texts,
        answered,
        comments: listExerciseComments(doc, exercise.id),
        history: exerciseHistory(doc, exercise.id),
      };
    });
  }

  #stable(exercise: PlacedExercise): PlacedExercise {
    const json = JSON.stringify(exercise.definition);
    const known = this.#definitions.get(exercise.id);
    if (known?.json === json) return { ...exercise, definition: known.definition };
    this.#definitions.set(exercise.id, { json, definition: exercise.definition });
    return exercise;
  }

  get actor(): Actor {
    return this.#actor();
  }

  get awareness(): Awareness {
    return this.#connection.provider.awareness;
  }

  /** The copy saved on this device is loaded (editors mount only then). */
  get ready(): boolean {
    return this.#connection.localReady;
  }

  get status(): SyncStatus {
    return this.#connection.status;
  }

  get savedLocally(): boolean {
    return this.#connection.savedLocally;
  }

  forStep(stepId: StepId): ExerciseSnapshot[] {
    return this.all.filter((s) => s.exercise.stepId === stepId);
  }

  /** The rich-text answer of a text question (bound to an editor). */
  fragment(id: ExerciseId, questionId: string): XmlFragment {
    return answerTextFragment(this.#connection.doc, id, questionId);
  }

  /** Runs a model write; its ExerciseError becomes the French message shown beside the control. */
  #run(write: () => void): Outcome {
    try {
      write();
      return { ok: true };
    } catch (error) {
      if (error instanceof ExerciseError) return { ok: false, error: error.message };
      throw error;
    }
  }

  place(stepId: StepId, definition: ExerciseDefinition): Outcome {
    return this.#run(() => {
      placeExercise(this.#connection.doc, { stepId, definition, actor: this.actor });
    });
  }

  remove(id: ExerciseId): Outcome {
    return this.#run(() => removeExercise(this.#connection.doc, id));
  }

  setSingle(id: ExerciseId, questionId: string, optionId: string | null): Outcome {
    return this.#run(() => setSingleChoice(this.#connection.doc, id, questionId, optionId, this.actor));
  }

  setMultiple(id: ExerciseId, questionId: string, optionId: string, checked: boolean): Outcome {
    return this.#run(() =>
      setMultipleChoice(this.#connection.doc, id, questionId, optionId, checked, this.actor),
    );
  }

  setScale(id: ExerciseId, questionId: string, value: number | null): Outcome {
    return this.#run(() => setScale(this.#connection.doc, id, questionId, value, this.actor));
  }

  moveCard(id: ExerciseId, questionId: string, cardId: string, toIndex: number): Outcome {
    return this.#run(() => moveCard(this.#connection.doc, id, questionId, cardId, toIndex, this.actor));
  }

  addGridItem(id: ExerciseId, questionId: string, cellId: string, text: string): Outcome {
    return this.#run(() => {
      addGridItem(this.#connection.doc, id, questionId, cellId, text, this.actor);
    });
  }

  updateGridItem(id: ExerciseId, questionId: string, itemId: string, text: string): Outcome {
    return this.#run(() => updateGridItem(this.#connection.doc, id, questionId, itemId, text, this.actor));
  }

  removeGridItem(id: ExerciseId, questionId: string, itemId: string): Outcome {
    return this.#run(() => removeGridItem(this.#connection.doc, id, questionId, itemId, this.actor));
  }

  addEvent(id: ExerciseId, questionId: string, event: Omit<TimelineEvent, 'id'>): Outcome {
    return this.#run(() => {
      addTimelineEvent(this.#connection.doc, id, questionId, event, this.actor);
    });
  }

  updateEvent(
    id: ExerciseId,
    questionId: string,
    eventId: string,
    patch: Partial<Omit<TimelineEvent, 'id'>>,
  ): Outcome {
    return this.#run(() =>
      updateTimelineEvent(this.#connection.doc, id, questionId, eventId, patch, this.actor),
    );
  }

  removeEvent(id: ExerciseId, questionId: string, eventId: string): Outcome {
    return this.#run(() => removeTimelineEvent(this.#connection.doc, id, questionId, eventId, this.actor));
  }

  /** Traces in the history that this person wrote in a rich-text answer. */
  noteText(id: ExerciseId, questionId: string): Outcome {
    return this.#run(() => noteTextAnswered(this.#connection.doc, id, questionId, this.actor));
  }

  submit(id: ExerciseId): Outcome {
    return this.#run(() => submitExercise(this.#connection.doc, id, this.actor));
  }

  reopen(id: ExerciseId): Outcome {
    return this.#run(() => reopenExercise(this.#connection.doc, id, this.actor));
  }

  comment(id: ExerciseId, questionId: string, text: string): Outcome {
    return this.#run(() => {
      addExerciseComment(this.#connection.doc, id, questionId, this.actor, text);
    });
  }

  destroy(): void {
    this.#stop();
  }
}
