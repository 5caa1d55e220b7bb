// The only place root keys of an accompaniment document are named.
export const ROOT = {
  meta: 'meta',
  phases: 'phases',
  steps: 'steps',
  notes: 'notes',
  adaptations: 'adaptations',
  /** The message thread (an array of messages, oldest pushed first). */
  messages: 'messages',
  privateNotes: 'privateNotes',
  /** The document de synthèse: one XML fragment per section, under `synthesis.<key>`. */
  synthesisPrefix: 'synthesis.',
  /** Exercises placed in steps: exerciseId → record (definition, answers, comments, history). */
  exercises: 'exercises',
  /** Rich-text answers of exercises: one XML fragment per text question, under `exercise.<exerciseId>.<questionId>`. */
  exerciseAnswerPrefix: 'exercise.',
} as const;

/**
 * Root keys of a workshop's documents (atelier collectif). The shared workshop doc also holds a message thread
 * under `ROOT.messages`, so the messages module works on it unchanged.
 */
export const WORKSHOP_ROOT = {
  /** Title of the workshop. */
  meta: 'workshop',
  boardColumns: 'boardColumns',
  boardNotes: 'boardNotes',
  /** Poll definitions only: votes live on the server, so that nobody can read who voted what. */
  polls: 'polls',
  prompts: 'prompts',
  /** The shared rich-text document (y-prosemirror). */
  document: 'workshopDocument',
  /** In a participant's private answers doc: one answer per prompt. */
  answers: 'answers',
} as const;

/** Bumped when the shape of a document changes; `migrateDoc` brings older documents forward. */
export const SCHEMA_VERSION = 1;
