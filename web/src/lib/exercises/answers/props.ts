// What the answer component of every question type is given (a few add their own).
import type { ExerciseAnswers, ExerciseId } from '@compagnon/model';
import type { ExercisesState } from '../exercises.svelte.ts';

export interface AnswerProps<Q> {
  exercises: ExercisesState;
  id: ExerciseId;
  question: Q;
  answers: ExerciseAnswers;
  /** The person may answer (otherwise the answer is shown read-only). */
  editable: boolean;
}
