// Test content for the evidence, closing and RGPD tests: each kind of confidential content carries a marker
// string, so a test can tell whether an export or a report leaked it.
import {
  answerTextFragment,
  appendNoteParagraph,
  listPhases,
  placeExercise,
  postMessage,
  postpone,
  privateNotes,
  setContribution,
  sharedNotes,
  submitExercise,
  synthesisSection,
  addStep,
  type Actor,
  type ExerciseId,
  type StepId,
  type UserId,
} from '@compagnon/model';
import { ServerOrigin } from '../sync/hub.ts';
import type { TestServer } from './server.ts';

export const MARKERS = {
  note: 'MARQUEUR-NOTE-7731',
  exercise: 'MARQUEUR-EXERCICE-4412',
  synthesis: 'MARQUEUR-SYNTHESE-9920',
  message: 'MARQUEUR-MESSAGE-1203',
  privateNote: 'MARQUEUR-PRIVE-5521',
  reason: 'MARQUEUR-RAISON-3307',
  contribution: 'MARQUEUR-CONTRIBUTION-8080',
} as const;

export const EXERCISE_TITLE = 'Mes valeurs au travail';
export const STEP_TITLE = 'Explorer ses valeurs';

/**
 * Writes marked content into an accompaniment's documents through the live rooms, as the coach and the
 * learner would: shared notes, a placed exercise answered and handed in, a synthesis section, a message, a
 * postponed step with a reason, and the coach's private notes.
 */
export async function fillDocuments(
  server: TestServer,
  acc: { sharedDoc: string; privateDoc: string },
  people: { coach: { id: string; name: string }; learner: { id: string; name: string } },
): Promise<{ exerciseId: ExerciseId; stepId: StepId }> {
  const coach: Actor = { id: people.coach.id as UserId, name: people.coach.name, role: 'coach' };
  const learner: Actor = { id: people.learner.id as UserId, name: people.learner.name, role: 'learner' };
  const now = server.clock.now();
  const { exerciseId, stepId } = await server.sync.change(
    acc.sharedDoc,
    new ServerOrigin(coach.id),
    (doc) => {
      appendNoteParagraph(sharedNotes(doc), MARKERS.note);
      const phaseId = listPhases(doc)[0]!.id;
      const stepId = addStep(doc, { phaseId, title: STEP_TITLE });
      postpone(doc, stepId, coach, { reason: MARKERS.reason, now });
      const placed = placeExercise(doc, {
        stepId,
        definition: {
          title: EXERCISE_TITLE,
          questions: [{ id: 'q1', type: 'text', prompt: 'Qu’est-ce qui compte pour vous ?' }],
        },
        actor: coach,
        now,
      });
      return { exerciseId: placed, stepId };
    },
  );
  await server.sync.change(acc.sharedDoc, new ServerOrigin(learner.id), (doc) => {
    appendNoteParagraph(answerTextFragment(doc, exerciseId, 'q1'), MARKERS.exercise);
    submitExercise(doc, exerciseId, learner, now);
    appendNoteParagraph(synthesisSection(doc, 'skills'), MARKERS.synthesis);
    postMessage(doc, learner, MARKERS.message, undefined, now);
    setContribution(doc, stepId, MARKERS.contribution);
  });
  await server.sync.change(acc.privateDoc, new ServerOrigin(coach.id), (doc) =>
    appendNoteParagraph(privateNotes(doc), MARKERS.privateNote),
  );
  return { exerciseId, stepId };
}

/** Whether any marker appears in `text`; returns the first one found. */
export function leakedMarker(text: string): string | null {
  return Object.values(MARKERS).find((m) => text.includes(m)) ?? null;
}
