// Reading an accompaniment's documents for the evidence pack, the closing and the RGPD export: the live room
// when it is loaded (the latest edits), else a copy rebuilt from the update log — as the synthesis does (SYN2).
import { Doc, applyUpdate, listExercises } from '@compagnon/model';
import type { Storage } from '../storage/storage.ts';
import type { SyncHub } from '../sync/hub.ts';

export async function withDoc<T>(
  storage: Storage,
  sync: SyncHub | null,
  name: string,
  read: (doc: Doc) => T,
): Promise<T> {
  const room = sync?.rooms.get(name);
  if (room && !room.destroyed) return read(room.doc);
  const updates = await storage.docs.load(name);
  // The room may have been loaded while the log was read: it then holds the latest edits.
  const loaded = sync?.rooms.get(name);
  if (loaded && !loaded.destroyed) return read(loaded.doc);
  const doc = new Doc();
  try {
    for (const update of updates) applyUpdate(doc, update);
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
