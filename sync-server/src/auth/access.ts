import { parseDocName, type Actor, type UserId } from '@compagnon/model';
import type { Accompaniment } from '../storage/accompaniments.ts';
import type { Storage } from '../storage/storage.ts';
import type { User } from '../storage/users.ts';

/** The caller's part in an accompaniment, or null when it is none of their business (AUTH3). */
export function roleIn(user: User, acc: Accompaniment): 'coach' | 'learner' | null {
  if (user.role === 'coach' && acc.coach.id === user.id) return 'coach';
  if (acc.learner?.id === user.id) return 'learner';
  return null;
}

/**
 * An accompaniment and the user's part in it, or null when they have none — callers answer 404, so that
 * strangers cannot tell it exists (AUTH5).
 */
export function membershipIn(storage: Storage, user: User, accompanimentId: string) {
  const acc = storage.accompaniments.find(accompanimentId);
  const role = acc ? roleIn(user, acc) : null;
  if (!acc || !role) return null;
  const actor: Actor = { id: user.id as UserId, name: user.name, role };
  return { acc, role, actor, user };
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
  const member = membershipIn(storage, user, parsed.accompanimentId);
  if (!member) return { ok: false, status: 404, message: 'Document introuvable.' };
  if (parsed.role === 'private' && member.role !== 'coach')
    return { ok: false, status: 403, message: 'Ce document est réservé à la personne qui accompagne.' };
  return { ok: true, accompaniment: member.acc, role: parsed.role };
}
