// Reading an accompaniment's documents for the evidence pack, the closing and the RGPD export: the live room
// when it is loaded (the latest edits), else a copy rebuilt from the update log — as the synthesis does (SYN2).
import { Doc, applyUpdate, listExercises } from '@compagnon/model';
import type { Storage } from '../storage/storage.ts';
import type { SyncHub } from '../sync/hub.ts';

export function withDoc<T>(storage: Storage, sync: SyncHub | null, name: string, read: (doc: Doc) => T): T {
  const room = sync?.rooms.get(name);
  if (room && !room.destroyed) return read(room.doc);
  const doc = new Doc();
  try {
    for (const update of storage.docs.load(name)) applyUpdate(doc, update);
    return read(doc);
  } finally {
    doc.destroy();
  }
}

/** The exercises placed in a shared document: titles and dates only (EVID2). */
export function exerciseFacts(doc: Doc): { title: string; placedAt: number; submittedAt: number | null }[] {
  return listExercises(doc).map((e) => ({
    title: e.definition.title,
    placedAt: e.placedAt,
    submittedAt: e.submittedAt,
  }));
}
