import { parseDocName, parseWorkshopDocName, type Actor, type UserId } from '@compagnon/model';
import type { Accompaniment } from '../storage/accompaniments.ts';
import type { Storage } from '../storage/storage.ts';
import type { User } from '../storage/users.ts';
import type { Workshop } from '../storage/workshops.ts';

/**
 * The caller's part in an accompaniment, or null when it is none of their business (AUTH3). A co-referent
 * (REPORT2) has the coach's part: every route and the /sync upgrade decide through here or `membershipIn`.
 */
export function roleIn(user: User, acc: Accompaniment): 'coach' | 'learner' | null {
  if (user.role === 'coach' && (acc.coach.id === user.id || acc.coReferentIds.includes(user.id)))
    return 'coach';
  if (acc.learner?.id === user.id) return 'learner';
  return null;
}

/**
 * An accompaniment and the user's part in it, or null when they have none — callers answer 404, so that
 * strangers cannot tell it exists (AUTH5).
 */
export async function membershipIn(storage: Storage, user: User, accompanimentId: string) {
  const acc = await storage.accompaniments.find(accompanimentId);
  const role = acc ? roleIn(user, acc) : null;
  if (!acc || !role) return null;
  const actor: Actor = { id: user.id as UserId, name: user.name, role };
  return { acc, role, actor, user };
}

/** The caller's part in a workshop, or null when they have none (WS2): callers answer 404 to strangers. */
export async function workshopRoleIn(
  storage: Storage,
  user: User,
  workshopId: string,
): Promise<{ workshop: Workshop; role: 'coach' | 'participant' } | null> {
  const workshop = await storage.workshops.find(workshopId);
  if (!workshop) return null;
  if (workshop.coach.id === user.id) return { workshop, role: 'coach' };
  if (await storage.workshops.isParticipant(workshop.id, user.id)) return { workshop, role: 'participant' };
  return null;
}

/**
 * What a granted document is. Only accompaniment documents are projected (the projector parses the name
 * itself); workshop documents are stored and synced like any other document and projected by nothing.
 */
export type DocAccess =
  | { ok: true; kind: 'accompaniment'; accompaniment: Accompaniment; role: 'shared' | 'private' }
  | { ok: true; kind: 'workshop'; workshop: Workshop; role: 'workshop' | 'answers' }
  | { ok: false; status: 400 | 403 | 404 | 410; message: string };

const NO_DOC = { ok: false, status: 404, message: 'Document introuvable.' } as const;
export const DOC_CLOSED =
  'Cet accompagnement est clôturé : ses documents de travail ont été détruits et ne peuvent plus être ouverts.';

/**
 * Who may open a document over /sync (AUTH3, AUTH4, WS3): the shared document to the accompaniment's coach
 * and learner, the private one to its coach only; a workshop's document to its coach and participants, a
 * participant's answers to that participant and the coach. Someone unrelated gets 404, as for the API (AUTH5).
 */
export async function docAccess(storage: Storage, user: User, docName: string): Promise<DocAccess> {
  const workshopDoc = parseWorkshopDocName(docName);
  if (workshopDoc) {
    const member = await workshopRoleIn(storage, user, workshopDoc.workshopId);
    if (!member) return NO_DOC;
    if (workshopDoc.role === 'workshop')
      return { ok: true, kind: 'workshop', workshop: member.workshop, role: 'workshop' };
    // The answers of someone who is not (or no longer) a participant do not exist for anyone.
    if (!(await storage.workshops.isParticipant(member.workshop.id, workshopDoc.userId))) return NO_DOC;
    if (member.role !== 'coach' && workshopDoc.userId !== user.id)
      return {
        ok: false,
        status: 403,
        message:
          'Ces réponses sont réservées à la personne qui les écrit et à la personne qui anime l’atelier.',
      };
    return { ok: true, kind: 'workshop', workshop: member.workshop, role: 'answers' };
  }
  const parsed = parseDocName(docName);
  if (!parsed) return { ok: false, status: 400, message: 'Nom de document invalide.' };
  const member = await membershipIn(storage, user, parsed.accompanimentId);
  if (!member) return NO_DOC;
  if (parsed.role === 'private' && member.role !== 'coach')
    return { ok: false, status: 403, message: 'Ce document est réservé à la personne qui accompagne.' };
  // A closed accompaniment's working documents are destroyed: nobody reopens them (CLOSE5).
  if (await storage.closings.isLocked(member.acc.id)) return { ok: false, status: 410, message: DOC_CLOSED };
  return { ok: true, kind: 'accompaniment', accompaniment: member.acc, role: parsed.role };
}
