import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { ExerciseId, StepId, UserId } from '../ids/ids.ts';
import type { Actor } from '../adaptation/adaptation.ts';
import { appendNoteParagraph, notesText } from '../notes/notes.ts';
import { addPhase, addStep } from '../pathway/pathway.ts';
import { validateDoc } from '../schema/schema.ts';
import {
  ANSWER_COALESCE_MS,
  COMMENT_MAX,
  EXERCISE_LIMITS,
  EXERCISE_STARTERS,
  ExerciseError,
  QUESTION_TYPES,
  addExerciseComment,
  addGridItem,
  addTimelineEvent,
  answerTextFragment,
  exerciseHistory,
  exerciseStarter,
  getExercise,
  isAnswered,
  listExerciseComments,
  listExercises,
  moveCard,
  newQuestion,
  noteTextAnswered,
  observeExercises,
  parseExerciseDefinition,
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
  type ExerciseDefinition,
  type Question,
} from './exercises.ts';

const coach: Actor = { id: 'coach' as UserId, name: 'Claire', role: 'coach' };
const learner: Actor = { id: 'learner' as UserId, name: 'Léa', role: 'learner' };

const T0 = 1_700_000_000_000;
const MIN = 60_000;

/** One question of every type, with readable ids. */
const definition: ExerciseDefinition = {
  title: 'Exercice complet',
  instructions: 'Répondez à votre rythme.',
  questions: [
    { id: 'q-text', type: 'text', prompt: 'Qu’est-ce qui vous motive ?' },
    {
      id: 'q-single',
      type: 'single',
      prompt: 'Votre situation',
      options: [
        { id: 'emploi', label: 'En emploi' },
        { id: 'recherche', label: 'En recherche' },
      ],
    },
    {
      id: 'q-multi',
      type: 'multiple',
      prompt: 'Vos secteurs',
      options: [
        { id: 'sante', label: 'Santé' },
        { id: 'social', label: 'Social' },
        { id: 'industrie', label: 'Industrie' },
      ],
    },
    { id: 'q-scale', type: 'scale', prompt: 'Votre énergie', min: 1, max: 5, minLabel: 'Faible' },
    {
      id: 'q-rank',
      type: 'ranking',
      prompt: 'Vos valeurs',
      cards: ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, label: `Valeur ${id}` })),
    },
    {
      id: 'q-grid',
      type: 'grid',
      prompt: 'SWOT',
      cells: [
        { id: 'forces', label: 'Forces' },
        { id: 'faiblesses', label: 'Faiblesses' },
      ],
    },
    { id: 'q-time', type: 'timeline', prompt: 'Ligne de vie' },
  ],
};

const question = (id: string): Question => definition.questions.find((q) => q.id === id)!;

function setup(): { doc: Y.Doc; stepId: StepId; id: ExerciseId } {
  const doc = new Y.Doc();
  const phaseId = addPhase(doc, 'Investigation');
  const stepId = addStep(doc, { phaseId, title: 'Valeurs' });
  const id = placeExercise(doc, { stepId, definition, actor: coach, now: T0 });
  return { doc, stepId, id };
}

/** A second peer starting from the same state (the server's copy, before going offline). */
function fork(doc: Y.Doc, clientID: number): Y.Doc {
  const other = new Y.Doc();
  other.clientID = clientID;
  Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
  return other;
}

function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

function refusal(fn: () => unknown): ExerciseError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ExerciseError) return error;
    throw error;
  }
  throw new Error('expected an ExerciseError');
}

describe('exercise definitions', () => {
  it('accepts every question type and cleans the definition', () => {
    const parsed = parseExerciseDefinition({
      ...definition,
      title: '  Exercice   complet ',
      extra: 'ignored',
    });
    expect(parsed).toEqual({ ok: true, definition });
    const types = parsed.ok ? parsed.definition.questions.map((q) => q.type) : [];
    expect(types).toEqual([...QUESTION_TYPES]);
  });

  it('offers valid starters and new questions with fresh ids', () => {
    for (const { key } of EXERCISE_STARTERS) {
      const a = exerciseStarter(key);
      expect(parseExerciseDefinition(a)).toEqual({ ok: true, definition: a });
      expect(exerciseStarter(key).questions[0]!.id).not.toBe(a.questions[0]!.id);
    }
    const values = exerciseStarter('values').questions[0]!;
    expect(values.type === 'ranking' && values.cards.length).toBeGreaterThanOrEqual(8);
    const swot = exerciseStarter('swot').questions[0]!;
    expect(swot.type === 'grid' && swot.cells.map((c) => c.label)).toEqual([
      'Forces',
      'Faiblesses',
      'Opportunités',
      'Menaces',
    ]);
    expect(exerciseStarter('life').questions.some((q) => q.type === 'timeline')).toBe(true);
    const questions = QUESTION_TYPES.map((type) => newQuestion(type));
    expect(questions.map((q) => q.type)).toEqual([...QUESTION_TYPES]);
    const parsed = parseExerciseDefinition({ title: 'Toutes', questions });
    expect(parsed.ok).toBe(true);
    expect(new Set(questions.map((q) => q.id)).size).toBe(QUESTION_TYPES.length);
  });

  it('refuses invalid definitions with a French message', () => {
    const q = (extra: object): unknown => ({
      title: 'Titre',
      questions: [{ id: 'q1', prompt: 'P', ...extra }],
    });
    const cases: [unknown, string][] = [
      [null, 'Cet exercice est illisible.'],
      [{ title: '   ', questions: [newQuestion('text')] }, 'Donnez un titre à l’exercice.'],
      [
        { title: 'x'.repeat(EXERCISE_LIMITS.title + 1), questions: [newQuestion('text')] },
        'Le titre ne peut pas dépasser 200 caractères.',
      ],
      [
        { title: 'T', instructions: 'x'.repeat(1001), questions: [newQuestion('text')] },
        'La consigne ne peut pas dépasser 1000 caractères.',
      ],
      [{ title: 'T', questions: [] }, 'Ajoutez au moins une question.'],
      [
        { title: 'T', questions: Array.from({ length: 51 }, () => newQuestion('text')) },
        'Un exercice compte au plus 50 questions.',
      ],
      [q({ type: 'essay' }), 'Question 1 : type de question inconnu.'],
      [q({ type: 'text', id: 'a.b' }), 'Question 1 : identifiant invalide.'],
      [
        {
          title: 'T',
          questions: [
            newQuestion('text'),
            { ...newQuestion('text'), id: 'x' },
            { id: 'x', type: 'text', prompt: 'P' },
          ],
        },
        'Question 3 : identifiant en double.',
      ],
      [q({ type: 'text', prompt: ' ' }), 'Question 1 : l’intitulé est vide.'],
      [
        q({ type: 'text', prompt: 'x'.repeat(1001) }),
        'Question 1 : l’intitulé ne peut pas dépasser 1000 caractères.',
      ],
      [q({ type: 'single', options: [{ id: 'a', label: 'A' }] }), 'Question 1 : ajoutez au moins 2 choix.'],
      [q({ type: 'ranking', cards: [] }), 'Question 1 : ajoutez au moins 2 cartes.'],
      [q({ type: 'grid' }), 'Question 1 : ajoutez au moins 1 case.'],
      [
        q({ type: 'multiple', options: Array.from({ length: 31 }, (_, i) => ({ id: `o${i}`, label: 'L' })) }),
        'Question 1 : 30 choix au plus.',
      ],
      [
        q({
          type: 'single',
          options: [
            { id: 'a', label: 'A' },
            { id: 'b', label: '' },
          ],
        }),
        'Question 1, choix 2 : le libellé est vide.',
      ],
      [
        q({
          type: 'ranking',
          cards: [
            { id: 'a', label: 'A' },
            { id: 'a', label: 'B' },
          ],
        }),
        'Question 1, carte 2 : identifiant en double.',
      ],
      [
        q({ type: 'grid', cells: [{ id: 'a', label: 'x'.repeat(201) }] }),
        'Question 1, case 1 : le libellé ne peut pas dépasser 200 caractères.',
      ],
      [
        q({ type: 'scale', min: 1.5, max: 5 }),
        'Question 1 : les bornes de l’échelle doivent être des nombres entiers.',
      ],
      [
        q({ type: 'scale', min: 5, max: 5 }),
        'Question 1 : le minimum de l’échelle doit être inférieur au maximum.',
      ],
      [q({ type: 'scale', min: 0, max: 1000 }), 'Question 1 : les bornes de l’échelle vont de -100 à 100.'],
    ];
    for (const [value, error] of cases) expect(parseExerciseDefinition(value)).toEqual({ ok: false, error });
  });

  it('refuses to place an invalid definition or on a missing step', () => {
    const { doc, stepId } = setup();
    const bad = refusal(() =>
      placeExercise(doc, { stepId, definition: { title: '', questions: [] }, actor: coach }),
    );
    expect([bad.code, bad.message]).toEqual(['invalid', 'Donnez un titre à l’exercice.']);
    const missing = refusal(() => placeExercise(doc, { stepId: 'nope' as StepId, definition, actor: coach }));
    expect([missing.code, missing.message]).toEqual(['not-found', 'Étape introuvable.']);
  });
});

describe('placed exercises', () => {
  it('places, lists by step and time, and removes', () => {
    const { doc, stepId, id } = setup();
    const phaseId = addPhase(doc, 'Conclusion');
    const other = addStep(doc, { phaseId, title: 'Projet' });
    const second = placeExercise(doc, {
      stepId,
      definition: exerciseStarter('swot'),
      actor: coach,
      now: T0 - 1,
    });
    const third = placeExercise(doc, {
      stepId: other,
      definition: exerciseStarter('life'),
      actor: coach,
      now: T0,
    });
    expect(listExercises(doc, stepId).map((e) => e.id)).toEqual([second, id]);
    expect(listExercises(doc).map((e) => e.id)).toEqual([second, ...[id, third].sort()]);
    expect(getExercise(doc, id)).toEqual({
      id,
      stepId,
      definition,
      placedAt: T0,
      placedBy: coach,
      status: 'in_progress',
      submittedAt: null,
    });
    expect(exerciseHistory(doc, id)).toEqual([{ at: T0, by: coach, kind: 'placed' }]);
    expect(validateDoc(doc)).toEqual([]);

    appendNoteParagraph(answerTextFragment(doc, id, 'q-text'), 'Mes mots');
    removeExercise(doc, id);
    expect(getExercise(doc, id)).toBeNull();
    expect(listExercises(doc, stepId).map((e) => e.id)).toEqual([second]);
    expect(notesText(doc.getXmlFragment(`exercise.${id}.q-text`))).toBe('');
    expect(readAnswers(doc, id).single).toEqual({});
    expect(listExerciseComments(doc, id)).toEqual([]);
    expect(refusal(() => setScale(doc, id, 'q-scale', 3, learner)).code).toBe('not-found');
  });

  it('answers every kind of question', () => {
    const { doc, id } = setup();
    for (const q of definition.questions) expect(isAnswered(doc, id, q)).toBe(false);
    expect(readAnswers(doc, id)).toEqual({
      single: { 'q-single': null },
      multiple: { 'q-multi': [] },
      scale: { 'q-scale': null },
      ranking: { 'q-rank': ['a', 'b', 'c', 'd', 'e'] },
      grid: { 'q-grid': [] },
      timeline: { 'q-time': [] },
    });

    appendNoteParagraph(answerTextFragment(doc, id, 'q-text'), 'Être utile');
    noteTextAnswered(doc, id, 'q-text', learner, T0 + 1);
    setSingleChoice(doc, id, 'q-single', 'recherche', learner, T0 + 2);
    setMultipleChoice(doc, id, 'q-multi', 'industrie', true, learner, T0 + 3);
    setMultipleChoice(doc, id, 'q-multi', 'sante', true, learner, T0 + 3);
    setScale(doc, id, 'q-scale', 4, learner, T0 + 4);
    moveCard(doc, id, 'q-rank', 'e', 0, learner, T0 + 5);
    moveCard(doc, id, 'q-rank', 'a', 99, learner, T0 + 5);
    moveCard(doc, id, 'q-rank', 'c', 1, learner, T0 + 5);
    const weak = addGridItem(doc, id, 'q-grid', 'faiblesses', ' Anglais ', learner, T0 + 6);
    const strong = addGridItem(doc, id, 'q-grid', 'forces', 'Écoute', learner, T0 + 7);
    updateGridItem(doc, id, 'q-grid', strong, 'Écoute active', coach, T0 + 8);
    const job = addTimelineEvent(
      doc,
      id,
      'q-time',
      { date: '2015-09', label: 'Premier emploi', feeling: 'positive' },
      learner,
      T0 + 9,
    );
    const move = addTimelineEvent(
      doc,
      id,
      'q-time',
      { date: '2012', label: 'Déménagement', feeling: 'neutral' },
      learner,
      T0 + 9,
    );
    const layoff = addTimelineEvent(
      doc,
      id,
      'q-time',
      { date: '2020-03', label: 'Licenciement', feeling: 'neutral' },
      learner,
      T0 + 9,
    );
    updateTimelineEvent(doc, id, 'q-time', layoff, { feeling: 'negative' }, learner, T0 + 10);

    const answers = readAnswers(doc, id);
    expect(answers).toEqual({
      single: { 'q-single': 'recherche' },
      multiple: { 'q-multi': ['sante', 'industrie'] },
      scale: { 'q-scale': 4 },
      ranking: { 'q-rank': ['e', 'c', 'b', 'd', 'a'] },
      grid: {
        'q-grid': [
          { id: weak, cellId: 'faiblesses', text: 'Anglais', by: learner },
          { id: strong, cellId: 'forces', text: 'Écoute active', by: learner },
        ],
      },
      timeline: {
        'q-time': [
          { id: move, date: '2012', label: 'Déménagement', feeling: 'neutral' },
          { id: job, date: '2015-09', label: 'Premier emploi', feeling: 'positive' },
          { id: layoff, date: '2020-03', label: 'Licenciement', feeling: 'negative' },
        ],
      },
    });
    for (const q of definition.questions) expect(isAnswered(doc, id, q)).toBe(true);

    setSingleChoice(doc, id, 'q-single', null, learner, T0 + 11);
    setMultipleChoice(doc, id, 'q-multi', 'sante', false, learner, T0 + 11);
    setScale(doc, id, 'q-scale', null, learner, T0 + 11);
    removeGridItem(doc, id, 'q-grid', weak, learner, T0 + 11);
    removeTimelineEvent(doc, id, 'q-time', job, learner, T0 + 11);
    const after = readAnswers(doc, id);
    expect(after.single['q-single']).toBeNull();
    expect(after.multiple['q-multi']).toEqual(['industrie']);
    expect(after.scale['q-scale']).toBeNull();
    expect(after.grid['q-grid']!.map((i) => i.id)).toEqual([strong]);
    expect(after.timeline['q-time']!.map((e) => e.id)).toEqual([move, layoff]);
    expect(isAnswered(doc, id, question('q-single'))).toBe(false);
    expect(isAnswered(doc, id, question('q-scale'))).toBe(false);
    expect(validateDoc(doc)).toEqual([]);
  });

  it('refuses bad answers with a French message', () => {
    const { doc, id } = setup();
    const cases: [() => unknown, ExerciseError['code'], string][] = [
      [
        () => setSingleChoice(doc, id, 'q-single', 'autre', learner),
        'bad-value',
        'Ce choix ne fait pas partie de la question.',
      ],
      [
        () => setSingleChoice(doc, id, 'q-multi', 'sante', learner),
        'bad-value',
        'Cette question n’attend pas ce type de réponse.',
      ],
      [
        () => setMultipleChoice(doc, id, 'q-multi', 'x', true, learner),
        'bad-value',
        'Ce choix ne fait pas partie de la question.',
      ],
      [() => setScale(doc, id, 'q-scale', 6, learner), 'bad-value', 'Choisissez un nombre entier de 1 à 5.'],
      [
        () => setScale(doc, id, 'q-scale', 2.5, learner),
        'bad-value',
        'Choisissez un nombre entier de 1 à 5.',
      ],
      [() => setScale(doc, id, 'q-nope', 2, learner), 'not-found', 'Question introuvable.'],
      [
        () => moveCard(doc, id, 'q-rank', 'z', 0, learner),
        'bad-value',
        'Cette carte ne fait pas partie de la question.',
      ],
      [() => moveCard(doc, id, 'q-rank', 'a', Number.NaN, learner), 'bad-value', 'Position invalide.'],
      [
        () => addGridItem(doc, id, 'q-grid', 'menaces', 'x', learner),
        'bad-value',
        'Cette case ne fait pas partie de la grille.',
      ],
      [
        () => addGridItem(doc, id, 'q-grid', 'forces', '  ', learner),
        'empty',
        'Écrivez un texte avant de l’ajouter.',
      ],
      [
        () => addGridItem(doc, id, 'q-grid', 'forces', 'x'.repeat(2001), learner),
        'too-long',
        'Un texte ne peut pas dépasser 2000 caractères.',
      ],
      [
        () => updateGridItem(doc, id, 'q-grid', 'gone', 'x', learner),
        'not-found',
        'Cette note n’existe plus.',
      ],
      [
        () =>
          addTimelineEvent(
            doc,
            id,
            'q-time',
            { date: '15/09/2015', label: 'x', feeling: 'neutral' },
            learner,
          ),
        'bad-value',
        'Indiquez une date au format AAAA ou AAAA-MM (par exemple 2015 ou 2015-09).',
      ],
      [
        () => addTimelineEvent(doc, id, 'q-time', { date: '', label: 'x', feeling: 'neutral' }, learner),
        'empty',
        'Indiquez la date de l’événement.',
      ],
      [
        () => addTimelineEvent(doc, id, 'q-time', { date: '2015', label: ' ', feeling: 'neutral' }, learner),
        'empty',
        'Décrivez l’événement.',
      ],
      [
        () =>
          addTimelineEvent(
            doc,
            id,
            'q-time',
            { date: '2015', label: 'x', feeling: 'joyeux' as 'positive' },
            learner,
          ),
        'bad-value',
        'Choisissez un ressenti : positif, neutre ou négatif.',
      ],
      [
        () => updateTimelineEvent(doc, id, 'q-time', 'gone', { label: 'x' }, learner),
        'not-found',
        'Cet événement n’existe plus.',
      ],
      [
        () => answerTextFragment(doc, id, 'q-scale'),
        'bad-value',
        'Cette question n’attend pas ce type de réponse.',
      ],
      [
        () => noteTextAnswered(doc, 'nope' as ExerciseId, 'q-text', learner),
        'not-found',
        'Exercice introuvable.',
      ],
      [
        () => addExerciseComment(doc, id, 'q-text', coach, '  '),
        'empty',
        'Écrivez un commentaire avant de l’envoyer.',
      ],
      [
        () => addExerciseComment(doc, id, 'q-text', coach, 'x'.repeat(COMMENT_MAX + 1)),
        'too-long',
        'Un commentaire ne peut pas dépasser 2000 caractères.',
      ],
      [() => addExerciseComment(doc, id, 'q-nope', coach, 'Bien'), 'not-found', 'Question introuvable.'],
    ];
    for (const [fn, code, message] of cases) {
      const error = refusal(fn);
      expect([error.code, error.message]).toEqual([code, message]);
    }
    // Nothing refused left a trace.
    expect(exerciseHistory(doc, id).map((e) => e.kind)).toEqual(['placed']);
  });

  it('keeps comments beside answers, oldest first', () => {
    const { doc, id } = setup();
    const first = addExerciseComment(doc, id, 'q-rank', coach, '  Intéressant !  ', T0 + 5);
    addExerciseComment(doc, id, 'q-text', learner, 'Merci', T0 + 5);
    addExerciseComment(doc, id, 'q-rank', learner, 'Je précise', T0 + 1);
    expect(first).toMatchObject({ by: coach, questionId: 'q-rank', text: 'Intéressant !', at: T0 + 5 });
    expect(listExerciseComments(doc, id).map((c) => c.text)).toEqual([
      'Je précise',
      'Intéressant !',
      'Merci',
    ]);
    expect(listExerciseComments(doc, id, 'q-rank').map((c) => c.text)).toEqual([
      'Je précise',
      'Intéressant !',
    ]);
    expect(exerciseHistory(doc, id).map((e) => [e.kind, e.questionId])).toEqual([
      ['placed', undefined],
      ['commented', 'q-rank'],
      ['commented', 'q-rank'],
      ['commented', 'q-text'],
    ]);
  });

  it('submits and reopens, traced in the history', () => {
    const { doc, id } = setup();
    submitExercise(doc, id, learner, T0 + MIN);
    expect(getExercise(doc, id)).toMatchObject({ status: 'submitted', submittedAt: T0 + MIN });
    submitExercise(doc, id, learner, T0 + 2 * MIN); // already submitted: nothing changes
    expect(getExercise(doc, id)!.submittedAt).toBe(T0 + MIN);
    reopenExercise(doc, id, coach, T0 + 3 * MIN);
    expect(getExercise(doc, id)).toMatchObject({ status: 'in_progress', submittedAt: null });
    reopenExercise(doc, id, coach, T0 + 4 * MIN);
    submitExercise(doc, id, learner, T0 + 5 * MIN);
    expect(exerciseHistory(doc, id)).toEqual([
      { at: T0, by: coach, kind: 'placed' },
      { at: T0 + MIN, by: learner, kind: 'submitted' },
      { at: T0 + 3 * MIN, by: coach, kind: 'reopened' },
      { at: T0 + 5 * MIN, by: learner, kind: 'submitted' },
    ]);
  });

  it('coalesces answers by the same person on the same question within 10 minutes', () => {
    const { doc, id } = setup();
    setScale(doc, id, 'q-scale', 1, learner, T0 + MIN);
    setScale(doc, id, 'q-scale', 2, learner, T0 + 5 * MIN);
    setScale(doc, id, 'q-scale', 3, learner, T0 + MIN + ANSWER_COALESCE_MS - 1);
    // Same question, another person: a new entry; back to the learner: a new entry again.
    setScale(doc, id, 'q-scale', 4, coach, T0 + 12 * MIN);
    setScale(doc, id, 'q-scale', 5, learner, T0 + 13 * MIN);
    // Another question: a new entry.
    noteTextAnswered(doc, id, 'q-text', learner, T0 + 14 * MIN);
    noteTextAnswered(doc, id, 'q-text', learner, T0 + 15 * MIN);
    // Ten minutes after the last entry: a new one.
    noteTextAnswered(doc, id, 'q-text', learner, T0 + 24 * MIN);
    // A comment in between breaks the run.
    addExerciseComment(doc, id, 'q-text', learner, 'Précision', T0 + 25 * MIN);
    noteTextAnswered(doc, id, 'q-text', learner, T0 + 26 * MIN);
    // An unchanged answer records nothing.
    setScale(doc, id, 'q-scale', 5, learner, T0 + 40 * MIN);
    expect(exerciseHistory(doc, id).map((e) => [e.kind, e.by.id, e.questionId, (e.at - T0) / MIN])).toEqual([
      ['placed', 'coach', undefined, 0],
      ['answered', 'learner', 'q-scale', 1],
      ['answered', 'coach', 'q-scale', 12],
      ['answered', 'learner', 'q-scale', 13],
      ['answered', 'learner', 'q-text', 14],
      ['answered', 'learner', 'q-text', 24],
      ['commented', 'learner', 'q-text', 25],
      ['answered', 'learner', 'q-text', 26],
    ]);
  });
});

describe('offline merges', () => {
  it('two people answering offline merge without loss', () => {
    const { doc: a, id } = setup();
    a.clientID = 1;
    const b = fork(a, 2);
    // Each side answers offline.
    appendNoteParagraph(answerTextFragment(a, id, 'q-text'), 'Côté Léa');
    noteTextAnswered(a, id, 'q-text', learner, T0 + 1);
    appendNoteParagraph(answerTextFragment(b, id, 'q-text'), 'Côté Claire');
    noteTextAnswered(b, id, 'q-text', coach, T0 + 1);
    setMultipleChoice(a, id, 'q-multi', 'sante', true, learner, T0 + 2);
    setMultipleChoice(b, id, 'q-multi', 'social', true, coach, T0 + 2);
    setScale(a, id, 'q-scale', 2, learner, T0 + 3);
    setScale(b, id, 'q-scale', 5, coach, T0 + 3);
    setSingleChoice(a, id, 'q-single', 'emploi', learner, T0 + 3);
    moveCard(a, id, 'q-rank', 'e', 0, learner, T0 + 4);
    moveCard(b, id, 'q-rank', 'd', 0, coach, T0 + 4);
    const gridA = addGridItem(a, id, 'q-grid', 'forces', 'Rigueur', learner, T0 + 5);
    const gridB = addGridItem(b, id, 'q-grid', 'forces', 'Curiosité', coach, T0 + 5);
    const eventA = addTimelineEvent(
      a,
      id,
      'q-time',
      { date: '2010', label: 'Bac', feeling: 'positive' },
      learner,
      T0 + 6,
    );
    const eventB = addTimelineEvent(
      b,
      id,
      'q-time',
      { date: '2010', label: 'Armée', feeling: 'neutral' },
      coach,
      T0 + 6,
    );
    const commentA = addExerciseComment(a, id, 'q-rank', learner, 'J’hésite', T0 + 7);
    const commentB = addExerciseComment(b, id, 'q-rank', coach, 'Pourquoi ?', T0 + 7);

    sync(a, b);
    const answers = readAnswers(a, id);
    expect(readAnswers(b, id)).toEqual(answers);
    expect(answers.multiple['q-multi']).toEqual(['sante', 'social']);
    expect([2, 5]).toContain(answers.scale['q-scale']);
    expect(answers.single['q-single']).toBe('emploi');
    expect(answers.ranking['q-rank']!.slice(0, 2).sort()).toEqual(['d', 'e']);
    expect([...answers.ranking['q-rank']!].sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(answers.grid['q-grid']!.map((i) => i.id).sort()).toEqual([gridA, gridB].sort());
    expect(answers.timeline['q-time']!.map((e) => e.label)).toEqual(['Armée', 'Bac']);
    expect(answers.timeline['q-time']!.map((e) => e.id).sort()).toEqual([eventA, eventB].sort());
    const text = notesText(answerTextFragment(a, id, 'q-text'));
    expect(text).toContain('Côté Léa');
    expect(text).toContain('Côté Claire');
    expect(notesText(answerTextFragment(b, id, 'q-text'))).toBe(text);
    expect(
      listExerciseComments(a, id)
        .map((c) => c.id)
        .sort(),
    ).toEqual([commentA.id, commentB.id].sort());
    expect(listExerciseComments(b, id)).toEqual(listExerciseComments(a, id));
    const history = exerciseHistory(a, id);
    expect(exerciseHistory(b, id)).toEqual(history);
    expect(history.filter((e) => e.kind === 'commented')).toHaveLength(2);
    expect(history.filter((e) => e.kind === 'answered' && e.by.id === 'coach')).toHaveLength(6);
    expect(history.filter((e) => e.kind === 'answered' && e.by.id === 'learner')).toHaveLength(7);
    expect(validateDoc(a)).toEqual([]);
  });

  it('merges concurrent edits of different fields of one event; a removal wins over an edit', () => {
    const { doc: a, id } = setup();
    const event = addTimelineEvent(
      a,
      id,
      'q-time',
      { date: '2010', label: 'Bac', feeling: 'neutral' },
      learner,
      T0,
    );
    const item = addGridItem(a, id, 'q-grid', 'forces', 'Rigueur', learner, T0);
    const b = fork(a, 7);
    updateTimelineEvent(a, id, 'q-time', event, { label: 'Baccalauréat' }, learner, T0 + 1);
    updateTimelineEvent(b, id, 'q-time', event, { feeling: 'positive', date: '2011' }, coach, T0 + 1);
    updateGridItem(a, id, 'q-grid', item, 'Rigueur et méthode', learner, T0 + 1);
    removeGridItem(b, id, 'q-grid', item, coach, T0 + 1);
    sync(a, b);
    expect(readAnswers(a, id).timeline['q-time']).toEqual([
      { id: event, date: '2011', label: 'Baccalauréat', feeling: 'positive' },
    ]);
    expect(readAnswers(a, id).grid['q-grid']).toEqual([]);
    expect(readAnswers(b, id)).toEqual(readAnswers(a, id));
  });

  it('concurrent card moves converge to a permutation of all cards', () => {
    for (let round = 0; round < 20; round++) {
      const { doc: a, id } = setup();
      a.clientID = 100 + round;
      const peers = [a, fork(a, 200 + round), fork(a, 300 + round)];
      const cards = ['a', 'b', 'c', 'd', 'e'];
      let seed = round + 1;
      const rand = (n: number): number => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed % n;
      };
      for (let i = 0; i < 12; i++) {
        const peer = peers[rand(peers.length)]!;
        moveCard(peer, id, 'q-rank', cards[rand(cards.length)]!, rand(6), learner, T0 + i);
        if (rand(3) === 0) sync(peer, peers[rand(peers.length)]!);
      }
      for (const p of peers) for (const q of peers) if (p !== q) sync(p, q);
      const ranking = readAnswers(a, id).ranking['q-rank']!;
      expect([...ranking].sort()).toEqual(cards);
      for (const p of peers) expect(readAnswers(p, id).ranking['q-rank']).toEqual(ranking);
      // Moving still works after ties from concurrent moves to the same place.
      moveCard(a, id, 'q-rank', ranking[4]!, 0, learner, T0 + 99);
      expect(readAnswers(a, id).ranking['q-rank']![0]).toBe(ranking[4]);
    }
  });

  it('concurrent moves of two cards to the same place keep both, in a stable order', () => {
    const { doc: a, id } = setup();
    const b = fork(a, 9);
    moveCard(a, id, 'q-rank', 'd', 0, learner, T0);
    moveCard(b, id, 'q-rank', 'e', 0, coach, T0);
    sync(a, b);
    // Both took the key before 'a': the tie breaks by definition rank.
    expect(readAnswers(a, id).ranking['q-rank']).toEqual(['d', 'e', 'a', 'b', 'c']);
    expect(readAnswers(b, id).ranking['q-rank']).toEqual(['d', 'e', 'a', 'b', 'c']);
    // A card dropped between the two tied cards lands exactly there.
    moveCard(a, id, 'q-rank', 'c', 1, learner, T0 + 1);
    expect(readAnswers(a, id).ranking['q-rank']).toEqual(['d', 'c', 'e', 'a', 'b']);
  });

  it('concurrent submit and reopen settle on one status everywhere, both traced', () => {
    const { doc: a, id } = setup();
    submitExercise(a, id, learner, T0 + 1);
    const b = fork(a, 11);
    reopenExercise(b, id, coach, T0 + 2);
    submitExercise(b, id, learner, T0 + 3);
    reopenExercise(a, id, coach, T0 + 4);
    sync(a, b);
    const ex = getExercise(a, id)!;
    expect(getExercise(b, id)).toEqual(ex);
    expect(ex.status === 'submitted' ? ex.submittedAt : null).toBe(ex.submittedAt);
    expect(exerciseHistory(a, id).map((e) => e.kind)).toEqual([
      'placed',
      'submitted',
      'reopened',
      'submitted',
      'reopened',
    ]);
  });
});

describe('untrusted records', () => {
  it('ignores a malformed record from a faulty peer, and validateDoc reports it', () => {
    const { doc, stepId, id } = setup();
    const bad = new Y.Map<unknown>();
    bad.set('stepId', stepId);
    bad.set('definition', { title: 'Sans questions', questions: [] });
    bad.set('status', 'fini');
    doc.getMap('exercises').set('bad', bad);
    doc.getMap('exercises').set('worse', 'not a record');
    expect(listExercises(doc).map((e) => e.id)).toEqual([id]);
    expect(getExercise(doc, 'bad' as ExerciseId)).toBeNull();
    expect(readAnswers(doc, 'bad' as ExerciseId).ranking).toEqual({});
    expect(exerciseHistory(doc, 'bad' as ExerciseId)).toEqual([]);
    expect(isAnswered(doc, 'bad' as ExerciseId, question('q-text'))).toBe(false);
    expect(refusal(() => setScale(doc, 'bad' as ExerciseId, 'q-scale', 2, learner)).code).toBe('not-found');
    expect(validateDoc(doc).map((i) => i.path)).toEqual([
      'exercises.bad.definition',
      'exercises.bad.status',
      'exercises.bad.answers',
      'exercises.bad.comments',
      'exercises.bad.history',
      'exercises.worse',
    ]);
  });

  it('ignores answers that do not fit the definition', () => {
    const { doc, id } = setup();
    const answers = doc.getMap<Y.Map<unknown>>('exercises').get(id)!.get('answers') as Y.Map<unknown>;
    answers.set('s/q-single', 'inconnu');
    answers.set('n/q-scale', 42);
    answers.set('m/q-multi/inconnu', true);
    answers.set('r/q-rank/a', 'pas une clé !');
    answers.set('g/q-grid/x', { cellId: 'menaces', at: 1, by: learner });
    answers.set('t/q-time/y', { at: 1, by: learner });
    answers.set('t/q-time/y/date', 'hier');
    expect(readAnswers(doc, id)).toEqual({
      single: { 'q-single': null },
      multiple: { 'q-multi': [] },
      scale: { 'q-scale': null },
      ranking: { 'q-rank': ['a', 'b', 'c', 'd', 'e'] },
      grid: { 'q-grid': [] },
      timeline: { 'q-time': [] },
    });
    // A card with an unreadable key still moves.
    moveCard(doc, id, 'q-rank', 'a', 2, learner, T0);
    expect(readAnswers(doc, id).ranking['q-rank']).toEqual(['b', 'c', 'a', 'd', 'e']);
  });
});

describe('observeExercises', () => {
  it('fires on placement, answers, comments and text answers, local or remote', () => {
    const { doc: a, stepId, id } = setup();
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    let local = 0;
    let remote = 0;
    const stopA = observeExercises(a, () => local++);
    const stopB = observeExercises(b, () => remote++);
    a.on('update', (u: Uint8Array) => Y.applyUpdate(b, u));

    setScale(a, id, 'q-scale', 3, learner);
    addExerciseComment(a, id, 'q-scale', coach, 'Bien');
    // b never opened this fragment: the change still reaches its observer.
    appendNoteParagraph(answerTextFragment(a, id, 'q-text'), 'Texte');
    placeExercise(a, { stepId, definition: exerciseStarter('blank'), actor: coach });
    expect([local, remote]).toEqual([4, 4]);
    expect(notesText(answerTextFragment(b, id, 'q-text'))).toBe('Texte');

    // Other parts of the document do not fire it.
    addStep(a, { phaseId: addPhase(a, 'Autre'), title: 'Autre' });
    a.getXmlFragment('notes').insert(0, [new Y.XmlText('x')]);
    expect([local, remote]).toEqual([4, 4]);

    stopA();
    stopB();
    setScale(a, id, 'q-scale', 4, learner);
    expect([local, remote]).toEqual([4, 4]);
  });
});
