// @compagnon/model — the typed document model of an accompaniment. The only package that touches raw Yjs
// structures; web/ and sync-server/ go through these functions.
export * from './ids/ids.ts';
export * from './schema/keys.ts';
export * from './schema/schema.ts';
export * from './meta/meta.ts';
export * from './pathway/pathway.ts';
export * from './notes/notes.ts';
export * from './synthesis/synthesis.ts';
export * from './adaptation/adaptation.ts';
export * from './messages/messages.ts';
export * from './workshop/workshop.ts';
export * from './templates/templates.ts';
export * from './exercises/exercises.ts';
export { Doc, applyUpdate, encodeStateAsUpdate, encodeStateVector, mergeUpdates } from 'yjs';
