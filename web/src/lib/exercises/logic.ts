// Pure helpers of the exercises UI: editing a definition in the builder, moving cards with the keyboard,
// checking a timeline date before the model does, and counting what is answered.
import {
  newId,
  newQuestion,
  type ChoiceOption,
  type ExerciseComment,
  type GridItem,
  type Question,
  type QuestionType,
  type TimelineEvent,
} from '@compagnon/model';

/** `list` with the item at `index` moved by `delta` places; the same list when it cannot move. */
export function moveItem<T>(list: readonly T[], index: number, delta: number): T[] {
  const to = index + delta;
  if (index < 0 || index >= list.length || to < 0 || to >= list.length || delta === 0) return [...list];
  const copy = [...list];
  const [item] = copy.splice(index, 1);
  copy.splice(to, 0, item as T);
  return copy;
}

/** The options of a question that has some (choices, cards, cells), under their field name. */
export type OptionsField = 'options' | 'cards' | 'cells';

export function optionsField(question: Question): OptionsField | null {
  switch (question.type) {
    case 'single':
    case 'multiple':
      return 'options';
    case 'ranking':
      return 'cards';
    case 'grid':
      return 'cells';
    default:
      return null;
  }
}

export function optionsOf(question: Question): ChoiceOption[] {
  switch (question.type) {
    case 'single':
    case 'multiple':
      return question.options;
    case 'ranking':
      return question.cards;
    case 'grid':
      return question.cells;
    default:
      return [];
  }
}

/** The same question with other options (a question without options is returned unchanged). */
export function withOptions(question: Question, options: ChoiceOption[]): Question {
  switch (question.type) {
    case 'single':
    case 'multiple':
      return { ...question, options };
    case 'ranking':
      return { ...question, cards: options };
    case 'grid':
      return { ...question, cells: options };
    default:
      return question;
  }
}

/** A new, empty option for the builder. */
export function newOption(label = ''): ChoiceOption {
  return { id: newId(), label };
}

/**
 * The question turned into another type: the prompt typed stays, and so do the labels of its choices when the
 * new type has some too (a single choice becomes a multiple choice without retyping anything).
 */
export function changeType(question: Question, type: QuestionType): Question {
  if (question.type === type) return question;
  const fresh = newQuestion(type);
  const kept = optionsOf(question);
  const next = { ...fresh, id: question.id, prompt: question.prompt } as Question;
  return kept.length > 0 && optionsField(next)
    ? withOptions(
        next,
        kept.map((o) => ({ ...o })),
      )
    : next;
}

/** Where a card lands when moved one place up (-1) or down (+1); null at either end. */
export function cardMove(
  order: readonly string[],
  cardId: string,
  delta: -1 | 1,
): { toIndex: number; position: number; total: number } | null {
  const index = order.indexOf(cardId);
  const toIndex = index + delta;
  if (index < 0 || toIndex < 0 || toIndex >= order.length) return null;
  return { toIndex, position: toIndex + 1, total: order.length };
}

/** 'YYYY' or 'YYYY-MM', as the model stores a life event's date. */
const TIMELINE_DATE = /^[12]\d{3}(-(0[1-9]|1[0-2]))?$/;

export function isTimelineDate(value: string): boolean {
  return TIMELINE_DATE.test(value.trim());
}

/** "2015-09" shown as "09/2015" in French, "2015" as is. */
export function displayTimelineDate(date: string): string {
  const [year, month] = date.split('-');
  return month ? `${month}/${year}` : (year ?? date);
}

/** Grid items of each cell, in the order the model gives them. */
export function itemsByCell(items: readonly GridItem[], cellIds: readonly string[]): Map<string, GridItem[]> {
  const byCell = new Map<string, GridItem[]>(cellIds.map((id) => [id, []]));
  for (const item of items) byCell.get(item.cellId)?.push(item);
  return byCell;
}

export type TimelineFeeling = TimelineEvent['feeling'];
export const FEELINGS: readonly TimelineFeeling[] = ['positive', 'neutral', 'negative'];

/** Comments of someone else than `userId` that arrived after `known` (to announce them). */
export function newFromOthers(
  comments: readonly ExerciseComment[],
  known: ReadonlySet<string>,
  userId: string,
): ExerciseComment[] {
  return comments.filter((c) => !known.has(c.id) && c.by.id !== userId);
}
