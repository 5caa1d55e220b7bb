import {
  exerciseStarter,
  newQuestion,
  parseExerciseDefinition,
  type Actor,
  type Question,
  type UserId,
} from '@compagnon/model';
import { describe, expect, it } from 'vitest';
import {
  cardMove,
  changeType,
  displayTimelineDate,
  isTimelineDate,
  itemsByCell,
  moveItem,
  newFromOthers,
  optionsOf,
  withOptions,
} from './logic.ts';

describe('moveItem', () => {
  it('moves one place up or down, and not past either end', () => {
    expect(moveItem(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    expect(moveItem(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(moveItem(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
    expect(moveItem(['a', 'b', 'c'], 2, 1)).toEqual(['a', 'b', 'c']);
    const list = ['a'];
    expect(moveItem(list, 0, 1)).not.toBe(list);
  });
});

describe('cardMove', () => {
  it('gives the index for the model and the position to announce', () => {
    const order = ['autonomie', 'securite', 'reconnaissance'];
    expect(cardMove(order, 'securite', -1)).toEqual({ toIndex: 0, position: 1, total: 3 });
    expect(cardMove(order, 'securite', 1)).toEqual({ toIndex: 2, position: 3, total: 3 });
    expect(cardMove(order, 'autonomie', -1)).toBeNull();
    expect(cardMove(order, 'reconnaissance', 1)).toBeNull();
    expect(cardMove(order, 'inconnue', 1)).toBeNull();
  });
});

describe('changeType', () => {
  it('keeps the id, the prompt and the labels of the choices, and stays a valid question', () => {
    const single = { ...newQuestion('single'), prompt: 'Où en êtes-vous ?' } as Question;
    const multiple = changeType(single, 'multiple');
    expect(multiple).toMatchObject({ id: single.id, type: 'multiple', prompt: 'Où en êtes-vous ?' });
    expect(optionsOf(multiple)).toEqual(optionsOf(single));
    const ranking = changeType(multiple, 'ranking');
    expect(ranking.type).toBe('ranking');
    expect(optionsOf(ranking).map((o) => o.label)).toEqual(optionsOf(single).map((o) => o.label));

    const scale = changeType(single, 'scale');
    expect(scale).toMatchObject({
      id: single.id,
      type: 'scale',
      prompt: 'Où en êtes-vous ?',
      min: 1,
      max: 10,
    });
    const text = changeType(scale, 'text');
    expect(text).toEqual({ id: single.id, type: 'text', prompt: 'Où en êtes-vous ?' });
    // A text question has no choices: the grid gets the model's default cells.
    expect(optionsOf(changeType(text, 'grid')).length).toBeGreaterThan(0);
    for (const q of [multiple, ranking, scale, text, changeType(text, 'timeline')])
      expect(parseExerciseDefinition({ title: 'T', questions: [q] }).ok).toBe(true);
    expect(changeType(single, 'single')).toBe(single);
  });

  it('sets the options of whichever field the type uses', () => {
    const swot = exerciseStarter('swot').questions[0]!;
    const cells = [{ id: 'c1', label: 'Forces' }];
    expect(withOptions(swot, cells)).toMatchObject({ type: 'grid', cells });
    const text = newQuestion('text');
    expect(withOptions(text, cells)).toBe(text);
  });
});

describe('timeline dates', () => {
  it('accepts a year or a year and month, as the model stores them', () => {
    for (const ok of ['2015', '2015-09', ' 1998-12 ']) expect(isTimelineDate(ok)).toBe(true);
    for (const bad of ['15', '2015-13', '2015-9', '09/2015', '', '3000'])
      expect(isTimelineDate(bad)).toBe(false);
    expect(displayTimelineDate('2015-09')).toBe('09/2015');
    expect(displayTimelineDate('2015')).toBe('2015');
  });
});

describe('itemsByCell', () => {
  it('puts each note in its cell, in order, and drops notes of unknown cells', () => {
    const by: Actor = { id: 'u1' as UserId, name: 'Léa Martin', role: 'learner' };
    const items = [
      { id: 'i1', cellId: 'forces', text: 'Écoute', by },
      { id: 'i2', cellId: 'menaces', text: 'Marché', by },
      { id: 'i3', cellId: 'forces', text: 'Rigueur', by },
      { id: 'i4', cellId: 'ailleurs', text: '?', by },
    ];
    const cells = itemsByCell(items, ['forces', 'faiblesses', 'menaces']);
    expect(cells.get('forces')?.map((i) => i.text)).toEqual(['Écoute', 'Rigueur']);
    expect(cells.get('faiblesses')).toEqual([]);
    expect(cells.get('menaces')?.map((i) => i.id)).toEqual(['i2']);
    expect(cells.has('ailleurs')).toBe(false);
  });
});

describe('newFromOthers', () => {
  it('keeps the comments not seen yet written by someone else', () => {
    const coach: Actor = { id: 'c' as UserId, name: 'Claire Dubois', role: 'coach' };
    const learner: Actor = { id: 'l' as UserId, name: 'Léa Martin', role: 'learner' };
    const comments = [
      { id: '1', at: 1, by: coach, questionId: 'q', text: 'Vu' },
      { id: '2', at: 2, by: learner, questionId: 'q', text: 'Merci' },
      { id: '3', at: 3, by: coach, questionId: 'q', text: 'Et ensuite ?' },
    ];
    expect(newFromOthers(comments, new Set(['1']), 'l').map((c) => c.id)).toEqual(['3']);
    expect(newFromOthers(comments, new Set(['1', '2', '3']), 'l')).toEqual([]);
  });
});
