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
} as const;

/** Bumped when the shape of a document changes; `migrateDoc` brings older documents forward. */
export const SCHEMA_VERSION = 1;
