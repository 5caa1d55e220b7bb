// The learner's exercises and their answers as a PDF (CLOSE3): what the learner may choose to keep when the
// working documents of a closed accompaniment are destroyed. Read through the model's readers only; this is
// the learner's own copy, never part of an evidence or a report.
import {
  answerTextFragment,
  listExercises,
  notesText,
  readAnswers,
  type Doc,
  type Question,
} from '@compagnon/model';
import { frenchDay, startPdf, type PdfOptions } from '../pdf/toolkit.ts';

export interface ExerciseReading {
  title: string;
  placedAt: number;
  submittedAt: number | null;
  questions: { prompt: string; answer: string }[];
}

const FEELINGS = { positive: 'positif', neutral: 'neutre', negative: 'difficile' } as const;

/** Every placed exercise with each question's answer in plain text. */
export function readExercises(doc: Doc): ExerciseReading[] {
  return listExercises(doc).map((exercise) => {
    const answers = readAnswers(doc, exercise.id);
    const label = (list: { id: string; label: string }[], id: string | null | undefined) =>
      list.find((o) => o.id === id)?.label ?? '';
    const answerOf = (q: Question): string => {
      switch (q.type) {
        case 'text':
          return notesText(answerTextFragment(doc, exercise.id, q.id));
        case 'single':
          return label(q.options, answers.single[q.id]);
        case 'multiple':
          return (answers.multiple[q.id] ?? []).map((id) => label(q.options, id)).join(' ; ');
        case 'scale': {
          const value = answers.scale[q.id];
          return value === null || value === undefined ? '' : `${value} (de ${q.min} à ${q.max})`;
        }
        case 'ranking':
          return (answers.ranking[q.id] ?? []).map((id, i) => `${i + 1}. ${label(q.cards, id)}`).join(' ; ');
        case 'grid':
          return q.cells
            .map((cell) => {
              const items = (answers.grid[q.id] ?? []).filter((i) => i.cellId === cell.id).map((i) => i.text);
              return items.length > 0 ? `${cell.label} : ${items.join(', ')}` : '';
            })
            .filter(Boolean)
            .join(' ; ');
        case 'timeline':
          return (answers.timeline[q.id] ?? [])
            .map((e) => `${e.date} — ${e.label} (${FEELINGS[e.feeling]})`)
            .join(' ; ');
      }
    };
    return {
      title: exercise.definition.title,
      placedAt: exercise.placedAt,
      submittedAt: exercise.submittedAt,
      questions: exercise.definition.questions.map((q) => ({ prompt: q.prompt, answer: answerOf(q) })),
    };
  });
}

export function renderExercisesPdf(
  data: {
    accompanimentTitle: string;
    learnerName: string | null;
    generatedAt: number;
    exercises: ExerciseReading[];
  },
  options: PdfOptions = {},
): Promise<Buffer> {
  const pdf = startPdf(
    {
      title: `Mes exercices — ${data.accompanimentTitle}`,
      author: data.learnerName ?? 'Compagnon',
      subject: 'Exercices et réponses',
      createdAt: data.generatedAt,
    },
    options,
  );
  const { doc, clean, line, room } = pdf;
  pdf.header('Exercices et réponses', data.accompanimentTitle);
  line('Personne accompagnée', data.learnerName ?? '—');
  line('Copie conservée le', frenchDay(data.generatedAt));
  doc.moveDown(1);
  if (data.exercises.length === 0) doc.text(clean('Aucun exercice.'));
  for (const exercise of data.exercises) {
    room(80);
    doc.font('bold').fontSize(14).text(clean(exercise.title));
    doc
      .font('regular')
      .fontSize(9.5)
      .fillColor('#555555')
      .text(
        clean(
          `Proposé le ${frenchDay(exercise.placedAt)}` +
            (exercise.submittedAt !== null ? ` · rendu le ${frenchDay(exercise.submittedAt)}` : ''),
        ),
      )
      .fillColor('#000000');
    doc.moveDown(0.4);
    for (const q of exercise.questions) {
      room(40);
      doc.font('bold').fontSize(10.5).text(clean(q.prompt));
      doc
        .font('regular')
        .fontSize(10.5)
        .text(clean(q.answer.trim() || '(sans réponse)'), { indent: 12, lineGap: 1.5 });
      doc.moveDown(0.4);
    }
    doc.moveDown(0.8);
  }
  return pdf.end();
}
