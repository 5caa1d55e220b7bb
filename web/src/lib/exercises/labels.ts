// Names of question types, feelings and history entries in the current language.
import type { ExerciseDefinition, ExerciseEvent, QuestionType } from '@compagnon/model';
import { m } from '../paraglide/messages.js';
import type { TimelineFeeling } from './logic.ts';

export function questionTypeLabel(type: QuestionType): string {
  switch (type) {
    case 'text':
      return m.exercise_type_text();
    case 'single':
      return m.exercise_type_single();
    case 'multiple':
      return m.exercise_type_multiple();
    case 'scale':
      return m.exercise_type_scale();
    case 'ranking':
      return m.exercise_type_ranking();
    case 'grid':
      return m.exercise_type_grid();
    case 'timeline':
      return m.exercise_type_timeline();
  }
}

/** What the options of a question are called in the builder ("Choix", "Carte", "Case"). */
export function optionNoun(type: QuestionType): string {
  if (type === 'ranking') return m.exercise_option_card();
  if (type === 'grid') return m.exercise_option_cell();
  return m.exercise_option_choice();
}

/** The builder's button adding a choice, a card or a cell. */
export function optionAddLabel(type: QuestionType): string {
  if (type === 'ranking') return m.exercise_builder_add_card();
  if (type === 'grid') return m.exercise_builder_add_cell();
  return m.exercise_builder_add_choice();
}

export function feelingLabel(feeling: TimelineFeeling): string {
  switch (feeling) {
    case 'positive':
      return m.exercise_feeling_positive();
    case 'neutral':
      return m.exercise_feeling_neutral();
    case 'negative':
      return m.exercise_feeling_negative();
  }
}

/** "Léa Martin a répondu à « … »" — what one history entry says. */
export function historyLabel(event: ExerciseEvent, definition: ExerciseDefinition): string {
  const name = event.by.name;
  const prompt = definition.questions.find((q) => q.id === event.questionId)?.prompt ?? '';
  switch (event.kind) {
    case 'placed':
      return m.exercise_history_placed({ name });
    case 'answered':
      return prompt
        ? m.exercise_history_answered({ name, prompt })
        : m.exercise_history_answered_any({ name });
    case 'commented':
      return prompt
        ? m.exercise_history_commented({ name, prompt })
        : m.exercise_history_commented_any({ name });
    case 'submitted':
      return m.exercise_history_submitted({ name });
    case 'reopened':
      return m.exercise_history_reopened({ name });
  }
}
