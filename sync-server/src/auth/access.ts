import { parseDocName } from '@compagnon/model';
import type { Accompaniment } from '../storage/accompaniments.ts';
import type { Storage } from '../storage/storage.ts';
import type { User } from '../storage/users.ts';

/** The caller's part in an accompaniment, or null when it is none of their business (AUTH3). */
export function roleIn(user: User, acc: Accompaniment): 'coach' | 'learner' | null {
  if (user.role === 'coach' && acc.coach.id === user.id) return 'coach';
  if (acc.learner?.id === user.id) return 'learner';
  return null;
}

export type DocAccess =
  | { ok: true; accompaniment: Accompaniment; role: 'shared' | 'private' }
  | { ok: false; status: 400 | 403 | 404; message: string };

/**
 * Who may open a document over /sync (AUTH3, AUTH4): the shared document to the accompaniment's coach
 * and learner, the private one to its coach only. Someone unrelated gets 404, as for the API (AUTH5).
 */
export function docAccess(storage: Storage, user: User, docName: string): DocAccess {
  const parsed = parseDocName(docName);
  if (!parsed) return { ok: false, status: 400, message: 'Nom de document invalide.' };
  const accompaniment = storage.accompaniments.find(parsed.accompanimentId);
  const role = accompaniment ? roleIn(user, accompaniment) : null;
  if (!accompaniment || !role) return { ok: false, status: 404, message: 'Document introuvable.' };
  if (parsed.role === 'private' && role !== 'coach')
    return { ok: false, status: 403, message: 'Ce document est réservé à la personne qui accompagne.' };
  return { ok: true, accompaniment, role: parsed.role };
}
