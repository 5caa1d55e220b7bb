// Shapes of the coach's library API (contract shared with sync-server/): resources, step templates and
// exercises that are copied into a pathway when inserted, never linked; the coach's own and those shared in
// their organisation.
import type { ExerciseDefinition, ExpectationKind, ResourceKind } from '@compagnon/model';

export type LibraryItemKind = 'resource' | 'step' | 'exercise';

export interface LibraryExpectation {
  kind: ExpectationKind;
  prompt: string;
}

export interface LibraryItem {
  id: string;
  kind: LibraryItemKind;
  title: string;
  /** Always set on a resource; set on a step template only when it carries a resource. */
  resourceKind: ResourceKind | null;
  body: string | null;
  url: string | null;
  fileId: string | null;
  fileName: string | null;
  /** Step templates only. */
  expected: LibraryExpectation | null;
  /** Exercises only (absent from lists cached before exercises existed). */
  exercise?: ExerciseDefinition | null;
  /** Shared with the owner's organisation. */
  shared: boolean;
  owner: { id: string; name: string };
  /** Added by the signed-in coach: only they may change it. */
  mine: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface NewLibraryResource {
  kind: 'resource';
  resourceKind: ResourceKind;
  title: string;
  body?: string;
  url?: string;
  fileId?: string;
}

export interface NewLibraryStep {
  kind: 'step';
  title: string;
  expected?: LibraryExpectation;
  resourceKind?: ResourceKind;
  body?: string;
  url?: string;
  fileId?: string;
}

/** An exercise: its title is the definition's. */
export interface NewLibraryExercise {
  kind: 'exercise';
  title: string;
  exercise: ExerciseDefinition;
}

/** Body of POST /api/library and PUT /api/library/:id. */
export type LibraryItemInput = (NewLibraryResource | NewLibraryStep | NewLibraryExercise) & {
  shared?: boolean;
};

/** What the forms writing a library item (a resource, a step, an exercise) are given. */
export interface LibraryFormProps {
  submitLabel: string;
  pendingLabel: string;
  /** Saves; a thrown error's message is shown in the form. */
  onsubmit: (input: LibraryItemInput) => Promise<void>;
  oncancel?: () => void;
}
