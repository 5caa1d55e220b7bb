import {
  Doc,
  addNote,
  initWorkshopDoc,
  moveNote,
  readBoard,
  type Actor,
  type UserId,
} from '@compagnon/model';
import { describe, expect, it } from 'vitest';
import { locateNote, pollRows, shortLabel, stepTarget, worstStatus, type NoteDirection } from './logic.ts';

const lea: Actor = { id: 'u-lea' as UserId, name: 'Léa Martin', role: 'learner' };

/** A workshop document with the default columns and notes a, b, c in « Idées ». */
function board(): { doc: Doc; ids: Record<string, string>; columns: string[] } {
  const doc = new Doc();
  initWorkshopDoc(doc, 'Atelier CV');
  const columns = readBoard(doc).columns.map((c) => c.id);
  const ids: Record<string, string> = {};
  for (const text of ['a', 'b', 'c']) ids[text] = addNote(doc, { columnId: columns[0]!, text, actor: lea });
  return { doc, ids, columns };
}

/** Applies one keyboard step through the model, as the board does. */
function step(doc: Doc, noteId: string, direction: NoteDirection): boolean {
  const target = stepTarget(readBoard(doc), noteId, direction);
  if (target === null || target === 'gone') return false;
  moveNote(doc, noteId, target);
  return true;
}

const texts = (doc: Doc): string[][] => readBoard(doc).columns.map((c) => c.notes.map((n) => n.text));

describe('keyboard moves of a note', () => {
  it('moves one place up and down within its column', () => {
    const { doc, ids } = board();
    expect(step(doc, ids.c!, 'up')).toBe(true);
    expect(texts(doc)[0]).toEqual(['a', 'c', 'b']);
    expect(step(doc, ids.a!, 'down')).toBe(true);
    expect(texts(doc)[0]).toEqual(['c', 'a', 'b']);
  });

  it('goes to the end of the previous or next column', () => {
    const { doc, ids, columns } = board();
    expect(step(doc, ids.a!, 'next')).toBe(true);
    expect(step(doc, ids.b!, 'next')).toBe(true);
    expect(texts(doc)).toEqual([['c'], ['a', 'b'], []]);
    expect(step(doc, ids.a!, 'previous')).toBe(true);
    expect(texts(doc)).toEqual([['c', 'a'], ['b'], []]);
    expect(locateNote(readBoard(doc), ids.b!)).toEqual({ columnIndex: 1, index: 0 });
    expect(columns).toHaveLength(3);
  });

  it('stays put at the edges and says when the note is gone', () => {
    const { doc, ids } = board();
    const b = readBoard(doc);
    expect(stepTarget(b, ids.a!, 'up')).toBeNull();
    expect(stepTarget(b, ids.c!, 'down')).toBeNull();
    expect(stepTarget(b, ids.a!, 'previous')).toBeNull();
    expect(stepTarget(b, 'missing', 'next')).toBe('gone');
    for (let i = 0; i < 2; i++) step(doc, ids.a!, 'next');
    expect(stepTarget(readBoard(doc), ids.a!, 'next')).toBeNull();
  });
});

describe('worstStatus', () => {
  it('is offline when any connection is, syncing before online', () => {
    expect(worstStatus(['online', 'offline', 'syncing'])).toBe('offline');
    expect(worstStatus(['online', 'syncing'])).toBe('syncing');
    expect(worstStatus(['online', 'online'])).toBe('online');
    expect(worstStatus([])).toBe('online');
  });
});

describe('pollRows', () => {
  const options = [
    { id: 'o1', label: 'Présentiel' },
    { id: 'o2', label: 'Distanciel' },
    { id: 'o3', label: 'Les deux' },
  ];

  it('gives each option its count and share, zero for options without votes', () => {
    const rows = pollRows(options, { counts: { o1: 3, o2: 1 }, total: 4, myVote: null });
    expect(rows.map((r) => [r.label, r.count, r.share])).toEqual([
      ['Présentiel', 3, 0.75],
      ['Distanciel', 1, 0.25],
      ['Les deux', 0, 0],
    ]);
  });

  it('shows zeros before any vote or before the results arrive', () => {
    expect(pollRows(options, null).every((r) => r.count === 0 && r.share === 0)).toBe(true);
    expect(pollRows(options, { counts: {}, total: 0, myVote: null }).map((r) => r.share)).toEqual([0, 0, 0]);
  });
});

describe('shortLabel', () => {
  it('keeps short texts and cuts long ones on one line', () => {
    expect(shortLabel('Une idée\n courte')).toBe('Une idée courte');
    const cut = shortLabel('x'.repeat(100), 20);
    expect(cut).toHaveLength(20);
    expect(cut.endsWith('…')).toBe(true);
  });
});
