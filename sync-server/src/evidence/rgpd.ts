// The person's rights over their data (RGPD): the export of everything that concerns them (RGPD1), and the
// erasure of their account after a grace period (RGPD3, RGPD4), keeping — pseudonymised — only what the law
// requires the organisation to keep for the funders' audits.
import { createHash } from 'node:crypto';
import {
  docNames,
  listMessages,
  listPrompts,
  notesText,
  privateNotes,
  readPathway,
  readPrivateAnswers,
  sharedNotes,
  synthesisText,
  workshopAnswersDocName,
  workshopDocNames,
  type AccompanimentId,
  type UserId,
  type WorkshopId,
} from '@compagnon/model';
import type { Accompaniment } from '../storage/accompaniments.ts';
import type { User } from '../storage/users.ts';
import { performClosing, type EvidenceDeps } from './closing.ts';
import { withDoc } from './documents.ts';
import { readExercises } from './exercises-pdf.ts';

/** Days between an erasure request and the anonymisation (RGPD3): the person may still change their mind. */
export const DELETION_GRACE_DAYS = 30;
const DAY_MS = 86_400_000;

/** What an erasure keeps, pseudonymised (RGPD4), as told to the person. */
export const DELETION_KEEPS = [
  'Les feuilles d’émargement et leurs signatures (preuve des heures réalisées, exigée par les financeurs)',
  'Les rendez-vous tenus, les heures réalisées et les certificats de réalisation',
  'Le journal d’audit de l’organisme',
] as const;

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** A stable pseudonym: the same account always gets the same one, and nothing in it identifies them. */
export function pseudonymOf(userId: string): string {
  return `Personne anonymisée ${createHash('sha256').update(userId).digest('hex').slice(0, 8)}`;
}

async function accompanimentExport(
  deps: EvidenceDeps,
  user: User,
  acc: Accompaniment,
  role: 'coach' | 'learner',
) {
  const { storage, sync } = deps;
  const names = docNames(acc.id as AccompanimentId);
  const closing = await storage.closings.find(acc.id);
  const closed = closing !== null && closing.lockedAt !== null;
  // Read through the model's readers, from the live room or the log; the private document only for a coach.
  const documents = closed
    ? null
    : {
        ...(await withDoc(storage, sync, names.shared, (doc) => ({
          pathway: readPathway(doc).map((phase) => ({
            phase: phase.title,
            steps: phase.steps.map((step) => ({
              title: step.title,
              status: step.status,
              contribution: step.contribution,
            })),
          })),
          sharedNotes: notesText(sharedNotes(doc)),
          synthesis: synthesisText(doc).map(({ title, text }) => ({ title, text })),
          exercises: readExercises(doc).map((e) => ({
            title: e.title,
            placedAt: iso(e.placedAt),
            submittedAt: iso(e.submittedAt),
            answers: e.questions,
          })),
          messages: listMessages(doc).map((m) => ({
            at: iso(m.at),
            by: m.by.name,
            mine: m.by.id === user.id,
            text: m.text,
            attachments: (m.attachments ?? []).map((a) => a.name),
          })),
        }))),
        privateNotes:
          role === 'coach'
            ? await withDoc(storage, sync, names.private, (doc) => notesText(privateNotes(doc)))
            : null,
      };
  return {
    id: acc.id,
    title: acc.title,
    kind: acc.kind,
    role,
    coach: acc.coach.name,
    learner: acc.learner?.name ?? null,
    createdAt: iso(acc.createdAt),
    hoursBudget: acc.hoursBudget,
    status: acc.status,
    funder: acc.funder,
    startDate: acc.startDate,
    endDate: acc.endDate,
    closedAt: iso(closing?.proof?.closedAt ?? null),
    documents,
    appointments: (await storage.appointments.listForAccompaniment(acc.id)).map((a) => ({
      start: iso(a.start),
      end: iso(a.end),
      mode: a.mode,
      status: a.status,
      cancelReason: a.cancelReason,
      countedMinutes: a.countedMinutes,
    })),
    // Only the caller's own signatures: the other person's belong to them.
    attendance: (await storage.attendance.listForAccompaniment(acc.id))
      .filter((r) => r.userId === user.id)
      .map((r) => ({
        seq: r.seq,
        halfDay: r.halfDay,
        method: r.method,
        signature: r.signature,
        deviceAt: iso(r.deviceAt),
        receivedAt: iso(r.receivedAt),
        correctsSeq: r.correctsSeq,
        reason: r.reason,
      })),
    personalTime:
      role === 'learner'
        ? (await storage.personalTime.list(acc.id)).map(({ date, minutes, note }) => ({
            date,
            minutes,
            note,
          }))
        : [],
    synthesisValidations: (await storage.synthesisValidations.list(acc.id))
      .filter((v) => v.by.id === user.id)
      .map((v) => ({ validatedAt: iso(v.validatedAt), hash: v.hash })),
    consents: (await storage.synthesisConsents.list(acc.id))
      .filter((c) => c.by.id === user.id)
      .map((c) => ({
        recipientName: c.recipientName,
        recipientEmail: c.recipientEmail,
        purpose: c.purpose,
        consentedAt: iso(c.consentedAt),
        revokedAt: iso(c.revokedAt),
      })),
    keptFiles: (await storage.retention.kept(acc.id)).map((f) => ({
      fileId: f.fileId,
      kind: f.kind,
      retainUntil: iso(f.retainUntil),
    })),
  };
}

/** The survey answers of a learner, when this server keeps surveys (RGPD1). */
async function surveyAnswers(deps: EvidenceDeps, userId: string): Promise<unknown[]> {
  try {
    const rows = await deps.storage.sql.all(
      `SELECT s.kind, s.sent_at, s.answered_at, a.answers FROM surveys s
         LEFT JOIN survey_answers a ON a.survey_id = s.id WHERE s.learner_id = ? ORDER BY s.sent_at`,
      userId,
    );
    return rows.map((row) => ({
      kind: row['kind'],
      sentAt: iso(Number(row['sent_at'])),
      answeredAt: row['answered_at'] === null ? null : iso(Number(row['answered_at'])),
      answers: typeof row['answers'] === 'string' ? (JSON.parse(row['answers']) as unknown) : null,
    }));
  } catch {
    return [];
  }
}

/** Everything the server holds about the caller, readable (RGPD1): nothing of anyone else's accompaniments. */
export async function exportFor(deps: EvidenceDeps, user: User) {
  const { storage, sync } = deps;
  const membership = await storage.organisations.membershipOf(user.id);
  const role = user.role === 'coach' ? 'coach' : 'learner';
  const accompaniments: Awaited<ReturnType<typeof accompanimentExport>>[] = [];
  for (const a of role === 'coach'
    ? await storage.accompaniments.listForCoach(user.id)
    : await storage.accompaniments.listForLearner(user.id))
    accompaniments.push(await accompanimentExport(deps, user, a, role));
  const workshops = [];
  for (const w of await storage.workshops.listForUser(user.id)) {
    const isCoach = w.coach.id === user.id;
    const prompts = await withDoc(storage, sync, workshopDocNames(w.id as WorkshopId).shared, listPrompts);
    const answers = isCoach
      ? null
      : await withDoc(
          storage,
          sync,
          workshopAnswersDocName(w.id as WorkshopId, user.id as UserId),
          readPrivateAnswers,
        );
    workshops.push({
      id: w.id,
      title: w.title,
      role: isCoach ? 'coach' : 'participant',
      answers: answers
        ? Object.entries(answers).map(([promptId, a]) => ({
            prompt: prompts.find((p) => p.id === promptId)?.text ?? null,
            text: a.text,
            sharedAt: iso(a.sharedAt),
          }))
        : [],
    });
  }
  const deletion = await storage.deletionRequests.find(user.id);
  return {
    format: 'compagnon-export-v1',
    exportedAt: new Date(deps.clock.now()).toISOString(),
    account: {
      id: user.id,
      name: user.name,
      email: user.email,
      role: user.role,
      createdAt: iso(user.createdAt),
    },
    organisation: membership
      ? { id: membership.organisation.id, name: membership.organisation.name, role: membership.role }
      : null,
    settings: user.role === 'coach' ? await storage.settings.get(user.id) : null,
    accompaniments,
    workshops,
    surveys: user.role === 'learner' ? await surveyAnswers(deps, user.id) : [],
    deletionRequest: deletion
      ? {
          requestedAt: iso(deletion.requestedAt),
          scheduledFor: iso(deletion.scheduledFor),
          cancelledAt: iso(deletion.cancelledAt),
        }
      : null,
  };
}

export function deletionJson(request: { requestedAt: number; scheduledFor: number }) {
  return {
    requestedAt: new Date(request.requestedAt).toISOString(),
    scheduledFor: new Date(request.scheduledFor).toISOString(),
    keeps: [...DELETION_KEEPS],
  };
}

export function scheduledFor(now: number): number {
  return now + DELETION_GRACE_DAYS * DAY_MS;
}

/**
 * Anonymises one account whose grace period is over (RGPD4). A learner's accompaniments are closed keeping
 * nothing (their documents destroyed as by CLOSE3), their files and kept copies deleted, their workshop
 * answers destroyed; then the identity is replaced by a pseudonym. A coach's account is pseudonymised; the
 * accompaniments they led stay with their organisation.
 */
export async function anonymise(deps: EvidenceDeps, userId: string): Promise<void> {
  const { storage, sync, fileStore, clock, log } = deps;
  const user = await storage.users.findById(userId);
  if (!user) return;
  const now = clock.now();
  if (user.role === 'learner') {
    for (const acc of await storage.accompaniments.listForLearner(userId)) {
      const record = await storage.closings.find(acc.id);
      if (record?.proof) continue;
      if (!record) await storage.closings.request(acc.id, userId, now);
      await storage.closings.agree(
        acc.id,
        userId,
        [],
        'Effacement du compte demandé par la personne accompagnée (RGPD) : rien n’est conservé.',
        now,
      );
      await performClosing(deps, acc, userId);
    }
    // The list is rebuilt on each attempt: PostgreSQL may run the transaction again.
    const removed = await storage.transaction(async () => {
      const ids: string[] = [];
      for (const acc of await storage.accompaniments.listForLearner(userId))
        for (const kept of await storage.retention.kept(acc.id)) {
          await storage.retention.markPurged(kept.fileId, now);
          if (await storage.retention.deleteFile(kept.fileId)) ids.push(kept.fileId);
        }
      for (const file of await storage.retention.uploadedBy(userId))
        if (await storage.retention.deleteFile(file.id)) ids.push(file.id);
      return ids;
    });
    for (const id of removed)
      await fileStore.remove(id).catch((error: unknown) => log.error(`Fichier ${id} non supprimé`, error));
    for (const w of await storage.workshops.listForUser(userId)) {
      const name = workshopAnswersDocName(w.id as WorkshopId, userId as UserId);
      await sync?.closeDocument(name, 'compte effacé');
      await storage.closings.destroyDocument(name);
    }
  }
  for (const sessionId of await storage.deletionRequests.sessionIds(userId)) {
    sync?.closeSession(sessionId);
    deps.calls?.closeSession(sessionId);
  }
  await storage.transaction(async () => {
    await storage.deletionRequests.anonymiseAccount(
      userId,
      pseudonymOf(userId),
      `anonyme-${userId}@compagnon.invalid`,
    );
    await storage.deletionRequests.complete(userId, now);
    await storage.audit.record({
      at: now,
      actorId: userId,
      action: 'rgpd.anonymised',
      targetType: 'user',
      targetId: userId,
      summary: 'Compte anonymisé à la fin du délai de grâce (données conservées pseudonymisées).',
    });
  });
}

/**
 * The retention job (CLOSE4, RGPD3), on the server clock: files kept after a closing are deleted once their
 * year is over, and accounts whose erasure was requested 30 days ago are anonymised. Returns what it did.
 */
export async function runRetention(
  deps: EvidenceDeps,
  now: number,
): Promise<{ purgedFiles: number; anonymised: number }> {
  const { storage, fileStore, log } = deps;
  let purgedFiles = 0;
  for (const due of await storage.retention.due(now)) {
    const deleted = await storage.transaction(async () => {
      await storage.retention.markPurged(due.fileId, now);
      const gone = await storage.retention.deleteFile(due.fileId);
      await storage.audit.record({
        at: now,
        actorId: null,
        action: 'retention.purged',
        targetType: 'file',
        targetId: due.fileId,
        summary: 'Fichier conservé après clôture supprimé à la fin de sa durée de conservation (un an).',
        accompanimentId: due.accompanimentId,
      });
      return gone;
    });
    if (deleted)
      await fileStore.remove(due.fileId).catch((error: unknown) => log.error('Fichier non supprimé', error));
    purgedFiles++;
  }
  let anonymised = 0;
  for (const request of await storage.deletionRequests.due(now)) {
    try {
      await anonymise(deps, request.userId);
      anonymised++;
    } catch (error) {
      log.error('Anonymisation d’un compte impossible', error);
    }
  }
  return { purgedFiles, anonymised };
}
