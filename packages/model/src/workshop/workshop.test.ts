import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { UserId, WorkshopId } from '../ids/ids.ts';
import type { Actor } from '../adaptation/adaptation.ts';
import { listMessages, postMessage } from '../messages/messages.ts';
import { appendNoteParagraph, notesText } from '../notes/notes.ts';
import {
  ANSWER_MAX,
  NOTE_MAX,
  WorkshopError,
  addColumn,
  addNote,
  addPoll,
  addPrompt,
  bumpPollRevision,
  closePoll,
  editNote,
  initWorkshopDoc,
  listPolls,
  listPrompts,
  markAnswerShared,
  moveNote,
  observePrivateAnswers,
  observeWorkshop,
  parseWorkshopDocName,
  pollRevision,
  readBoard,
  readPrivateAnswers,
  readWorkshopTitle,
  removeColumn,
  removeNote,
  removePrompt,
  renameColumn,
  setPrivateAnswer,
  workshopAnswersDocName,
  workshopDocNames,
  workshopDocument,
} from './workshop.ts';

const coach: Actor = { id: 'coach' as UserId, name: 'Claire', role: 'coach' };
const lea: Actor = { id: 'lea' as UserId, name: 'Léa', role: 'learner' };
const karim: Actor = { id: 'karim' as UserId, name: 'Karim', role: 'learner' };

const WID = '0b9f8c3e-5d0e-4a53-9d1b-6f0d2a1c7e42' as WorkshopId;
const UID = '7c1d2e3f-4a5b-4c6d-8e7f-901234567890' as UserId;

/** Exchanges both documents' missing updates, as two peers do when they meet again. */
function syncBoth(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (error) {
    return error instanceof WorkshopError ? error.code : 'other';
  }
}

const board = (doc: Y.Doc) =>
  readBoard(doc).columns.map((c) => ({ title: c.title, notes: c.notes.map((n) => n.text) }));

describe('workshop doc names', () => {
  it('names and parses the shared and answers documents', () => {
    expect(workshopDocNames(WID)).toEqual({ shared: `${WID}.workshop` });
    expect(workshopAnswersDocName(WID, UID)).toBe(`${WID}.answers.${UID}`);
    expect(parseWorkshopDocName(`${WID}.workshop`)).toEqual({ workshopId: WID, role: 'workshop' });
    expect(parseWorkshopDocName(`${WID}.answers.${UID}`)).toEqual({
      workshopId: WID,
      role: 'answers',
      userId: UID,
    });
    for (const bad of [
      `${WID}.shared`,
      `${WID}.answers.`,
      `${WID}.answers.x`,
      'x.workshop',
      `${WID}.workshop.`,
    ])
      expect(parseWorkshopDocName(bad)).toBeNull();
  });
});

describe('workshop board', () => {
  it('starts with the three default columns, idempotently, and keeps the title', () => {
    const doc = new Y.Doc();
    initWorkshopDoc(doc, '  Atelier   CV ');
    initWorkshopDoc(doc, 'Autre titre');
    expect(readWorkshopTitle(doc)).toBe('Atelier CV');
    expect(board(doc)).toEqual([
      { title: 'Idées', notes: [] },
      { title: 'Questions', notes: [] },
      { title: 'À retenir', notes: [] },
    ]);
    expect(codeOf(() => initWorkshopDoc(new Y.Doc(), '  '))).toBe('empty');
  });

  it('two peers initialising the same empty document converge to three columns', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    initWorkshopDoc(a, 'Atelier');
    initWorkshopDoc(b, 'Atelier');
    syncBoth(a, b);
    expect(readBoard(a).columns).toHaveLength(3);
    expect(readBoard(a)).toEqual(readBoard(b));
  });

  it('adds, edits, moves and removes notes with their author, colour and prompt', () => {
    const doc = new Y.Doc();
    initWorkshopDoc(doc, 'Atelier');
    const [ideas, questions] = readBoard(doc).columns;
    const n1 = addNote(doc, { columnId: ideas!.id, text: ' Réseau ', actor: lea });
    const n2 = addNote(doc, {
      columnId: ideas!.id,
      text: 'Salon',
      actor: karim,
      color: 'pink',
      fromPromptId: 'p1',
    });
    let notes = readBoard(doc).columns[0]!.notes;
    expect(notes.map((n) => n.text)).toEqual(['Réseau', 'Salon']);
    expect(notes[0]).toMatchObject({ by: lea, color: 'yellow' });
    expect(notes[0]!.fromPromptId).toBeUndefined();
    expect(notes[1]).toMatchObject({ by: karim, color: 'pink', fromPromptId: 'p1' });

    editNote(doc, n1, 'Réseau pro');
    moveNote(doc, n2, { columnId: ideas!.id, index: 0 });
    notes = readBoard(doc).columns[0]!.notes;
    expect(notes.map((n) => n.text)).toEqual(['Salon', 'Réseau pro']);

    moveNote(doc, n1, { columnId: questions!.id, index: 99 });
    expect(board(doc).slice(0, 2)).toEqual([
      { title: 'Idées', notes: ['Salon'] },
      { title: 'Questions', notes: ['Réseau pro'] },
    ]);
    removeNote(doc, n2);
    removeNote(doc, n2);
    expect(board(doc)[0]!.notes).toEqual([]);
  });

  it('refuses bad notes with French messages', () => {
    const doc = new Y.Doc();
    initWorkshopDoc(doc, 'Atelier');
    const col = readBoard(doc).columns[0]!.id;
    expect(codeOf(() => addNote(doc, { columnId: col, text: '   ', actor: lea }))).toBe('empty');
    expect(codeOf(() => addNote(doc, { columnId: col, text: 'x'.repeat(NOTE_MAX + 1), actor: lea }))).toBe(
      'too-long',
    );
    expect(codeOf(() => addNote(doc, { columnId: 'nope', text: 'a', actor: lea }))).toBe('not-found');
    expect(
      codeOf(() =>
        addNote(doc, { columnId: col, text: 'a', actor: lea, color: 'red' as unknown as 'yellow' }),
      ),
    ).toBe('invalid');
    expect(codeOf(() => editNote(doc, 'nope', 'a'))).toBe('not-found');
    expect(codeOf(() => moveNote(doc, 'nope', { columnId: col, index: 0 }))).toBe('not-found');
    const id = addNote(doc, { columnId: col, text: 'ok', actor: lea });
    expect(codeOf(() => moveNote(doc, id, { columnId: 'nope', index: 0 }))).toBe('not-found');
    expect(() => editNote(doc, id, '')).toThrow('Une note ne peut pas être vide.');
  });

  it('adds, renames and removes columns (with their notes), keeping at least one', () => {
    const doc = new Y.Doc();
    initWorkshopDoc(doc, 'Atelier');
    const extra = addColumn(doc, 'Actions');
    renameColumn(doc, extra, 'Prochaines actions');
    expect(readBoard(doc).columns.map((c) => c.title)).toEqual([
      'Idées',
      'Questions',
      'À retenir',
      'Prochaines actions',
    ]);
    addNote(doc, { columnId: extra, text: 'Appeler', actor: coach });
    removeColumn(doc, extra);
    expect(readBoard(doc).columns.flatMap((c) => c.notes)).toEqual([]);
    expect(codeOf(() => renameColumn(doc, extra, 'x'))).toBe('not-found');
    expect(codeOf(() => addColumn(doc, ' '))).toBe('empty');
    const ids = readBoard(doc).columns.map((c) => c.id);
    removeColumn(doc, ids[0]!);
    removeColumn(doc, ids[1]!);
    expect(codeOf(() => removeColumn(doc, ids[2]!))).toBe('invalid');
    expect(readBoard(doc).columns).toHaveLength(1);
  });

  it('two peers editing the board offline converge without losing or duplicating notes', () => {
    const a = new Y.Doc();
    initWorkshopDoc(a, 'Atelier');
    const b = new Y.Doc();
    syncBoth(a, b);
    const [ideas, questions, keep] = readBoard(a).columns.map((c) => c.id);
    const shared = addNote(a, { columnId: ideas!, text: 'Commune', actor: coach });
    syncBoth(a, b);

    // Offline: both add at the end of the same column, both move the shared note elsewhere, one edits it,
    // one removes a column while the other adds a note to it.
    addNote(a, { columnId: ideas!, text: 'A1', actor: lea });
    addNote(b, { columnId: ideas!, text: 'B1', actor: karim });
    moveNote(a, shared, { columnId: questions!, index: 0 });
    moveNote(b, shared, { columnId: keep!, index: 0 });
    editNote(b, shared, 'Commune (modifiée)');
    const colB = addColumn(b, 'Hors sujet');
    syncBoth(a, b);
    addNote(a, { columnId: colB, text: 'Orpheline', actor: lea });
    removeColumn(b, colB);
    syncBoth(a, b);

    expect(readBoard(a)).toEqual(readBoard(b));
    const all = readBoard(a).columns.flatMap((c) => c.notes);
    expect(all.map((n) => n.text).sort()).toEqual(['A1', 'B1', 'Commune (modifiée)', 'Orpheline']);
    // Each note shows exactly once; the note of the removed column shows in the first column.
    expect(new Set(all.map((n) => n.id)).size).toBe(all.length);
    expect(readBoard(a).columns[0]!.notes.map((n) => n.text)).toEqual(
      expect.arrayContaining(['A1', 'B1', 'Orpheline']),
    );
    expect(readBoard(a).columns.map((c) => c.title)).toEqual(['Idées', 'Questions', 'À retenir']);
  });

  it('notifies observers of board, poll and prompt changes', () => {
    const doc = new Y.Doc();
    initWorkshopDoc(doc, 'Atelier');
    let calls = 0;
    const stop = observeWorkshop(doc, () => calls++);
    addNote(doc, { columnId: readBoard(doc).columns[0]!.id, text: 'a', actor: lea });
    addPoll(doc, 'Q ?', ['oui', 'non']);
    addPrompt(doc, 'Votre métier rêvé ?');
    expect(calls).toBe(3);
    stop();
    addColumn(doc, 'x');
    expect(calls).toBe(3);
  });
});

describe('workshop polls, prompts, document and thread', () => {
  it('adds polls of 2–10 distinct options, closes them and bumps their revision', () => {
    const doc = new Y.Doc();
    const id = addPoll(doc, ' Quel format ? ', [' Atelier ', 'Visio', ''], 1000);
    const [poll] = listPolls(doc);
    expect(poll).toEqual({
      id,
      question: 'Quel format ?',
      options: [
        { id: 'o1', label: 'Atelier' },
        { id: 'o2', label: 'Visio' },
      ],
      createdAt: 1000,
      closed: false,
    });
    expect(pollRevision(doc, id)).toBe('');
    bumpPollRevision(doc, id);
    const r1 = pollRevision(doc, id);
    bumpPollRevision(doc, id);
    expect(r1).not.toBe('');
    expect(pollRevision(doc, id)).not.toBe(r1);
    closePoll(doc, id);
    expect(listPolls(doc)[0]!.closed).toBe(true);
    expect(codeOf(() => addPoll(doc, 'Q', ['seule']))).toBe('invalid');
    expect(
      codeOf(() =>
        addPoll(
          doc,
          'Q',
          Array.from({ length: 11 }, (_, i) => `o${i}`),
        ),
      ),
    ).toBe('invalid');
    expect(codeOf(() => addPoll(doc, 'Q', ['Oui', 'oui']))).toBe('invalid');
    expect(codeOf(() => addPoll(doc, ' ', ['a', 'b']))).toBe('empty');
    expect(codeOf(() => closePoll(doc, 'nope'))).toBe('not-found');
    addPoll(doc, 'Plus récent', ['a', 'b'], 2000);
    expect(listPolls(doc).map((p) => p.question)).toEqual(['Quel format ?', 'Plus récent']);
  });

  it('lists prompts in order and removes them', () => {
    const doc = new Y.Doc();
    const p1 = addPrompt(doc, 'Premier');
    addPrompt(doc, 'Second');
    expect(listPrompts(doc).map((p) => p.text)).toEqual(['Premier', 'Second']);
    removePrompt(doc, p1);
    expect(listPrompts(doc).map((p) => p.text)).toEqual(['Second']);
    expect(codeOf(() => addPrompt(doc, ''))).toBe('empty');
  });

  it('holds a rich-text document and a message thread', () => {
    const doc = new Y.Doc();
    appendNoteParagraph(workshopDocument(doc), 'Compte rendu');
    expect(notesText(workshopDocument(doc))).toBe('Compte rendu');
    postMessage(doc, lea, 'Bonjour à tous', undefined, 10);
    expect(listMessages(doc).map((m) => m.text)).toEqual(['Bonjour à tous']);
  });
});

describe('private answers', () => {
  it('keeps one answer per prompt, records sharing, and notifies', () => {
    const doc = new Y.Doc();
    let calls = 0;
    const stop = observePrivateAnswers(doc, () => calls++);
    setPrivateAnswer(doc, 'p1', 'Ma ', 100);
    setPrivateAnswer(doc, 'p1', 'Ma réponse ', 200);
    expect(readPrivateAnswers(doc)).toEqual({ p1: { text: 'Ma réponse ', updatedAt: 200, sharedAt: null } });
    markAnswerShared(doc, 'p1', 300);
    expect(readPrivateAnswers(doc)['p1']).toEqual({ text: 'Ma réponse ', updatedAt: 200, sharedAt: 300 });
    expect(calls).toBe(3);
    stop();
    expect(codeOf(() => setPrivateAnswer(doc, 'p2', 'x'.repeat(ANSWER_MAX + 1)))).toBe('too-long');
    expect(codeOf(() => markAnswerShared(doc, 'p2'))).toBe('empty');
    setPrivateAnswer(doc, 'p3', '   ');
    expect(codeOf(() => markAnswerShared(doc, 'p3'))).toBe('empty');
    expect(codeOf(() => setPrivateAnswer(doc, '', 'x'))).toBe('invalid');
  });

  it('converges when participant and coach devices sync', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    setPrivateAnswer(a, 'p1', 'hors ligne', 5);
    syncBoth(a, b);
    expect(readPrivateAnswers(b)).toEqual(readPrivateAnswers(a));
  });
});
